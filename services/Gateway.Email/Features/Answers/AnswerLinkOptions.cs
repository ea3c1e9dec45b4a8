using System.ComponentModel.DataAnnotations;
using Comms.Delivery.Replies;

namespace Comms.Gateway.Email.Features.Answers;

/// <summary>Section <c>Email:Answers</c>: the signed «Подтвердить» / «Отменить» links in confirmation requests.</summary>
public sealed class AnswerLinkOptions : IValidatableObject
{
    public const string Section = "Email:Answers";

    /// <summary>The public HTTPS address of this gateway's <c>/answer</c> endpoint, e.g. https://comms.clinic.ru/answer.</summary>
    [Required(ErrorMessage = "Email:Answers:BaseUrl is required: the public address of /answer (env Email__Answers__BaseUrl)")]
    public string BaseUrl { get; set; } = "";

    /// <summary>Signs the links, so nobody can answer for a patient by guessing one.</summary>
    [Required(ErrorMessage = "Email:Answers:Secret is required (32+ characters; env Email__Answers__Secret)")]
    [MinLength(32, ErrorMessage = "Email:Answers:Secret must be at least 32 characters")]
    public string Secret { get; set; } = "";

    /// <summary>How long after the mail was composed a link still answers: as long as an SMS reply would.</summary>
    public TimeSpan LinkLifetime { get; set; } = ReplyRouter.AnswerWindow;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(BaseUrl) && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult($"Email:Answers:BaseUrl is not an absolute http(s) URL ('{BaseUrl}')", [nameof(BaseUrl)]);
        }

        if (LinkLifetime <= TimeSpan.Zero || LinkLifetime > TimeSpan.FromDays(366))
        {
            yield return new ValidationResult("Email:Answers:LinkLifetime must be positive and at most 366.00:00:00", [nameof(LinkLifetime)]);
        }
    }
}
