namespace Comms.Contracts.Scheduling;

/// <summary>
/// Scheduling asks Templating to render and send one message. <paramref name="MessageId"/> is stable for the
/// planned send, so every later step can drop a repeat of it.
/// </summary>
/// <param name="Model">Template variables as dotted paths ("patient.firstName" → "Анна"); values are already
/// formatted for the recipient's locale and time zone.</param>
/// <param name="Channels">Channels in order of preference; the first one Templating has a template for is used.
/// Scheduling's channel fallback sends one channel at a time and moves on itself.</param>
/// <param name="NotAfter">When set, no provider may be handed the message after this moment: the gateway ends it
/// <c>expired</c> instead (cause <c>deadline</c>) and passes what is left of it to providers that honour a lifetime.</param>
public sealed record ComposeMessage(
    Guid MessageId,
    string TemplateKey,
    string Purpose,
    IReadOnlyList<string> Channels,
    MessageRecipient Recipient,
    string Locale,
    IReadOnlyDictionary<string, string?> Model,
    string? AppointmentId,
    string? ExpectedReply,
    DateTimeOffset RequestedAt,
    DateTimeOffset? NotAfter = null);

/// <summary>Who a message is for, with every contact Comms knows of the patient.</summary>
public sealed record MessageRecipient(
    string ClinicId,
    string? PatientId,
    string? Phone,
    string? Email,
    string? MessengerId,
    string? TimeZone);
