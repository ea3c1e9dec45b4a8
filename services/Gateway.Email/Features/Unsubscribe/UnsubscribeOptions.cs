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
}
