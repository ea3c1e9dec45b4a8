namespace Comms.Audience.Persistence;

/// <summary>
/// Who a patient is, as far as the audience's portrait needs: no name, no contact, no diagnosis (Audience keeps
/// figures about patients, not their records). Filled by the MIS's bookings and <c>patient.updated</c>, and by the
/// patients import.
/// </summary>
public sealed class Patient
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public DateOnly? BirthDate { get; set; }

    public string? Sex { get; set; }

    public string? City { get; set; }

    public string? District { get; set; }

    public string? AcquisitionSource { get; set; }

    public string? ReferredBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One appointment of a patient and how it ended: from the MIS (keyed by its appointment id) or from a history import
/// (keyed by the row's identity, <see cref="VisitKeys"/>). Only <c>completed</c> visits count as visits; the others feed
/// the cancellation and no-show rates.
/// </summary>
public sealed class Visit
{
    public required string ClinicId { get; set; }

    public required string VisitKey { get; set; }

    /// <summary>Unknown while only a closing event of an appointment whose booking has not arrived was seen.</summary>
    public string? PatientId { get; set; }

    /// <summary>The day of the visit in the clinic's time zone.</summary>
    public DateOnly? Date { get; set; }

    /// <summary>When it starts (MIS bookings only; an import knows the day).</summary>
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>The patient's time zone, else the clinic's, from the booking: the hour a message reached them.</summary>
    public string? TimeZone { get; set; }

    public string Status { get; set; } = VisitStatuses.Booked;

    public decimal? Amount { get; set; }

    public decimal? Discount { get; set; }

    public string? ServiceCode { get; set; }

    public string? DoctorId { get; set; }

    public string? Specialty { get; set; }

    public string? CourseId { get; set; }

    public string? CancelledBy { get; set; }

    /// <summary>When Comms first heard of the booking from the MIS (null for imported rows): a campaign's bookings are counted by it.</summary>
    public DateTimeOffset? BookedAt { get; set; }

    /// <summary>The MIS's version of the appointment that last set the status; imports use 0.</summary>
    public long Version { get; set; }

    /// <summary>The version of the booking that last set the details (patient, day, service).</summary>
    public long DetailsVersion { get; set; } = -1;

    public required string Source { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class VisitStatuses
{
    public const string Booked = "booked";
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";
    public const string NoShow = "no_show";

    /// <summary>What a history import's <c>status</c> column may hold.</summary>
    public static readonly IReadOnlyList<string> Closed = [Completed, Cancelled, NoShow];
}

public static class VisitSources
{
    public const string Mis = "mis";
    public const string Import = "import";
}

/// <summary>One history import and its outcome.</summary>
public sealed class AudienceImport
{
    public Guid Id { get; set; }

    public required string ClinicId { get; set; }

    /// <summary><c>visits</c> or <c>patients</c>.</summary>
    public required string Kind { get; set; }

    public required string Caller { get; set; }

    public int Rows { get; set; }

    public int Applied { get; set; }

    public int Rejected { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>A row an import could not take, with its line and why.</summary>
public sealed class AudienceImportRejection
{
    public long Id { get; set; }

    public Guid ImportId { get; set; }

    public int Line { get; set; }

    public required string Field { get; set; }

    public required string Reason { get; set; }
}

/// <summary>One revision of a scope's segment rules (a chain's, or a clinic's own); every revision is kept.</summary>
public sealed class SegmentRulesRevision
{
    /// <summary>The chain id, or the clinic id of a clinic in no chain.</summary>
    public required string ScopeId { get; set; }

    public int Revision { get; set; }

    /// <summary>The thresholds as JSON; null when this revision returned the scope to the defaults.</summary>
    public string? Document { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public required string ChangedBy { get; set; }
}

/// <summary>A patient's last rating, from Feedback's <c>feedback.received</c> (on a 1–5 scale).</summary>
public sealed class PatientRating
{
    public required string FeedbackId { get; set; }

    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public int Rating { get; set; }

    public DateTimeOffset AnsweredAt { get; set; }

    /// <summary>When Audience recorded it (a scoring rescores the patients rated since it read).</summary>
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// Whether a patient may be written to on a channel for a purpose, from the Consent service's <c>ConsentChanged</c>
/// (the latest by its sequence), with the contact the ledger's record names: a campaign writes to that contact.
/// </summary>
public sealed class ChannelConsent
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public required string Channel { get; set; }

    public required string Purpose { get; set; }

    public bool Granted { get; set; }

    /// <summary>The ledger's sequence of the change applied: an older one arriving late changes nothing.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>Normalized as the ledger keeps it (E.164 phone, lower-case email, MAX user id); null for records kept before campaigns.</summary>
    public string? Contact { get; set; }

    /// <summary>How the ledger's record was made (<c>mis_checkbox</c>, <c>reply</c>, …): the evidence a campaign's recipient list keeps.</summary>
    public string? Method { get; set; }
}

/// <summary>The segment a patient was last told to be in (the watcher's memory, so that each move is told once).</summary>
public sealed class PatientSegment
{
    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public required string Segment { get; set; }

    /// <summary>The churn signals' codes when last told, comma-separated in order.</summary>
    public string Signals { get; set; } = "";

    public DateOnly Since { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A patient's move from one segment to another, with the reasons of the new one.</summary>
public sealed class SegmentMove
{
    public long Id { get; set; }

    public required string ClinicId { get; set; }

    public required string PatientId { get; set; }

    public string? From { get; set; }

    public required string To { get; set; }

    public DateOnly On { get; set; }

    /// <summary>The reasons as JSON (code and text each).</summary>
    public required string Reasons { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// One message Comms sent a patient, as far as its effect is measured: what it was (template, purpose, channel, what
/// it asked), how far it got (sent, delivered, failed, blocked) and what it cost, and how the patient answered.
/// Never its text or the contact it went to.
/// </summary>
public sealed class MessageFact
{
    public Guid MessageId { get; set; }

    public string? ClinicId { get; set; }

    public string? PatientId { get; set; }

    public string? AppointmentId { get; set; }

    public string? TemplateKey { get; set; }

    public string? Purpose { get; set; }

    public string? Channel { get; set; }

    /// <summary><c>confirmation</c>, <c>rating</c> or null.</summary>
    public string? ExpectedReply { get; set; }

    /// <summary>When Scheduling (or Feedback) sent it on its way.</summary>
    public DateTimeOffset? RequestedAt { get; set; }

    /// <summary>The highest status the gateway reported.</summary>
    public string? Status { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public decimal? Cost { get; set; }

    public string? Currency { get; set; }

    public DateTimeOffset? RepliedAt { get; set; }

    /// <summary><c>confirmed</c> or <c>cancelled</c> when the patient answered a confirmation request so.</summary>
    public string? Answer { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
