namespace Comms.Contracts.Delivery;

/// <summary>A gateway's message moved to a new status (see <see cref="MessageStatuses"/>).</summary>
/// <param name="Contact">Normalized contact the message went (or would have gone) to: the consent ledger's evidence
/// lists every message sent under a consent by it.</param>
public sealed record MessageStatusChanged(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Channel,
    string Status,
    string? Reason,
    string? Provider,
    DateTimeOffset OccurredAt,
    string? Contact = null);
