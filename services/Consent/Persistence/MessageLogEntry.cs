namespace Comms.Consent.Persistence;

/// <summary>
/// One status of one message a gateway handled (from MessageStatusChanged), kept so an evidence export can list every
/// message sent under a consent. MessageStatusChanged names the patient, not the contact: messages are matched to a
/// contact through the (clinic, patient) pairs of the contact's consent records, or by <see cref="Contact"/> once the
/// event carries it.
/// </summary>
public sealed class MessageLogEntry
{
    public long Id { get; set; }

    public Guid MessageId { get; set; }

    public required string ClinicId { get; set; }

    public string? PatientId { get; set; }

    public string? AppointmentId { get; set; }

    /// <summary>The normalized contact, when the status event names it.</summary>
    public string? Contact { get; set; }

    public required string Channel { get; set; }

    public required string Status { get; set; }

    public string? Reason { get; set; }

    /// <summary>The status's cause code (<c>StatusCauses</c>): the evidence document words it in Russian.</summary>
    public string? Cause { get; set; }

    public string? Provider { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
