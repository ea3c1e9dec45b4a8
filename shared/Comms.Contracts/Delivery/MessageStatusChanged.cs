namespace Comms.Contracts.Delivery;

/// <summary>A gateway's message moved to a new status (see <see cref="MessageStatuses"/>).</summary>
public sealed record MessageStatusChanged(
    Guid MessageId,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string Channel,
    string Status,
    string? Reason,
    string? Provider,
    DateTimeOffset OccurredAt);
