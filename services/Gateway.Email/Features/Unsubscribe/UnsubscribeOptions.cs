using System.ComponentModel.DataAnnotations;

namespace Comms.Gateway.Email.Features.Unsubscribe;

/// <summary>Section <c>Email:Unsubscribe</c>: the one-click unsubscribe links put in every email (RFC 8058).</summary>
public sealed class UnsubscribeOptions
{
    public const string Section = "Email:Unsubscribe";

    /// <summary>The public HTTPS address of this gateway's unsubscribe endpoint, e.g. https://comms.clinic.ru/unsubscribe.</summary>
    [Required(ErrorMessage = "Email:Unsubscribe:BaseUrl is required: the public address of /unsubscribe (env Email__Unsubscribe__BaseUrl)")]
    [Url]
    public string BaseUrl { get; set; } = "";

    /// <summary>Signs the links, so nobody can unsubscribe someone else by guessing one.</summary>
    [Required(ErrorMessage = "Email:Unsubscribe:Secret is required (32+ characters; env Email__Unsubscribe__Secret)")]
    [MinLength(32, ErrorMessage = "Email:Unsubscribe:Secret must be at least 32 characters")]
    public string Secret { get; set; } = "";

    /// <summary>
    /// The mailbox of the <c>mailto:</c> alternative in List-Unsubscribe (RFC 2369), for mail clients that do not post
    /// the one-click URL. Someone must act on what arrives there: the subject carries the link's token.
    /// </summary>
    [Required(ErrorMessage = "Email:Unsubscribe:Mailbox is required: the address of the List-Unsubscribe mailto (env Email__Unsubscribe__Mailbox)")]
    [EmailAddress(ErrorMessage = "Email:Unsubscribe:Mailbox must be a bare email address such as unsubscribe@clinic.ru")]
    public string Mailbox { get; set; } = "";
}
