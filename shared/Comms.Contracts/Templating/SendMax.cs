namespace Comms.Contracts.Templating;

/// <summary>
/// Templating hands a rendered message to Gateway.Max (VK's MAX messenger). A MAX bot may only write to a user who wrote
/// to it first, so the gateway addresses the patient through the account they linked (by <paramref name="ClinicId"/> and
/// <paramref name="PatientId"/>), or by <paramref name="MessengerId"/> when the MIS knows it.
/// </summary>
/// <param name="Text">The message; with reply buttons when <paramref name="ExpectedReply"/> asks for an answer.</param>
/// <param name="ExpectedReply">What a reply to this message answers (<see cref="Comms.Contracts.ExpectedReplies"/>), or null.</param>
/// <param name="NotAfter">No provider is handed the message after this moment (see ComposeMessage.NotAfter).</param>
public sealed record SendMax(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string? MessengerId,
    string Text,
    string Purpose,
    string TemplateKey,
    int TemplateVersion,
    string? ExpectedReply,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotAfter = null) : IDeliveryCommand;
