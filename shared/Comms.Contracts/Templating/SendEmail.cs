namespace Comms.Contracts.Templating;

/// <summary>Templating hands a rendered email to Gateway.Email: the template's email variant, both parts rendered.</summary>
/// <param name="Email">Lower-case address.</param>
/// <param name="Html">The HTML part; null when the template has none (the mail is then plain text only).</param>
/// <param name="Text">The plain-text part (the template's body).</param>
/// <param name="ExpectedReply">What a reply to this message answers (<see cref="Comms.Contracts.ExpectedReplies"/>), or null.</param>
/// <param name="NotAfter">No provider is handed the message after this moment (see ComposeMessage.NotAfter).</param>
public sealed record SendEmail(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Email,
    string Subject,
    string? Html,
    string Text,
    string Purpose,
    string TemplateKey,
    int TemplateVersion,
    string? ExpectedReply,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotAfter = null) : IDeliveryCommand;
