namespace Comms.Contracts.Templating;

/// <summary>Templating hands a rendered SMS to Gateway.Sms.</summary>
/// <param name="Phone">E.164, e.g. "+79161234567".</param>
/// <param name="ExpectedReply">What a reply to this message answers (<see cref="Comms.Contracts.ExpectedReplies"/>), or null.</param>
/// <param name="NotAfter">No provider is handed the message after this moment (see ComposeMessage.NotAfter).</param>
public sealed record SendSms(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Phone,
    string Text,
    string Purpose,
    string TemplateKey,
    int TemplateVersion,
    string? ExpectedReply,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotAfter = null) : IDeliveryCommand;
