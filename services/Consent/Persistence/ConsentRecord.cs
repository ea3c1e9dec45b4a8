namespace Comms.Consent.Persistence;

/// <summary>
/// One consent decision with its evidence (126-ФЗ ст. 44.1, 38-ФЗ ст. 18: the sender proves consent). The ledger is
/// append-only: a revocation or a correction is a new record, and <see cref="Id"/> is the ledger's sequence.
/// </summary>
public sealed class ConsentRecord
{
    /// <summary>Grows with every record; carried as ConsentChanged.Sequence.</summary>
    public long Id { get; set; }

    public required string ClinicId { get; set; }

    public string? PatientId { get; set; }

    /// <summary>Normalized: E.164 phone, lower-case email, or messenger id.</summary>
    public required string Contact { get; set; }

    /// <summary>See <see cref="ContactKinds"/>.</summary>
    public required string ContactKind { get; set; }

    public required string Channel { get; set; }

    public required string Purpose { get; set; }

    public bool Granted { get; set; }

    /// <summary>How it was given or withdrawn: paper_form, mis_checkbox, reply, …</summary>
    public required string Method { get; set; }

    /// <summary>Who told the ledger: "mis:&lt;CloudEvent source&gt;", "admin:&lt;user&gt;", "gateway:&lt;name&gt;".</summary>
    public required string Source { get; set; }

    /// <summary>The event this record came from ("source|id" for MIS events): one event never appends twice.</summary>
    public string? SourceEventKey { get; set; }

    /// <summary>The signed form's number or the version of the consent wording.</summary>
    public string? DocumentRef { get; set; }

    /// <summary>When the patient gave or withdrew it; decides which record is current.</summary>
    public DateTimeOffset CapturedAt { get; set; }

    public string? CapturedBy { get; set; }

    /// <summary>When the ledger learnt of it.</summary>
    public DateTimeOffset RecordedAt { get; set; }
}

public static class ContactKinds
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Messenger = "messenger";
}
