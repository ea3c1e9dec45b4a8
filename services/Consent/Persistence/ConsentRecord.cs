namespace Comms.Consent.Persistence;

/// <summary>
/// One consent decision with its evidence (126-ФЗ ст. 44.1, 38-ФЗ ст. 18: the sender proves consent). The ledger is
/// append-only: a revocation or a correction is a new record, and <see cref="Id"/> is the ledger's sequence. The
/// evidence columns never change once written; only the ledger's assessment of a grant (<see cref="Effective"/>,
/// <see cref="IneffectiveReason"/>) is kept in step with the re-grant rule (docs/consent.md).
/// </summary>
public sealed class ConsentRecord
{
    /// <summary>Grows with every record; carried as ConsentChanged.Sequence.</summary>
    public long Id { get; set; }

    /// <summary>Null when the source did not know it (a "СТОП" reply to a number no message was sent to, say).</summary>
    public string? ClinicId { get; set; }

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

    /// <summary>
    /// Who told the ledger: "mis:&lt;CloudEvent source&gt;", "api:&lt;key name&gt;", "gateway:&lt;channel&gt;",
    /// "import:&lt;import id&gt;".
    /// </summary>
    public required string Source { get; set; }

    /// <summary>
    /// What this record came from ("source|id" of an MIS event, "optout:…", "import:…", "api:…"): one event, opt-out,
    /// import row or API request never appends twice.
    /// </summary>
    public string? SourceEventKey { get; set; }

    /// <summary>The signed form's number or the version of the consent wording.</summary>
    public string? DocumentRef { get; set; }

    /// <summary>The version of the consent text the patient saw, when given apart from the document.</summary>
    public string? WordingVersion { get; set; }

    /// <summary>When the patient gave or withdrew it; decides which record is current.</summary>
    public DateTimeOffset CapturedAt { get; set; }

    /// <summary>Who took the consent down at the clinic (an MIS user, a workstation).</summary>
    public string? CapturedBy { get; set; }

    /// <summary>Who put it into the ledger through the HTTP API or an import: the API key's name.</summary>
    public string? RecordedBy { get; set; }

    /// <summary>What was received with an opt-out: the reply text, the provider's code, the link used.</summary>
    public string? Evidence { get; set; }

    /// <summary>The message an opt-out answered or came with, when known.</summary>
    public Guid? RelatedMessageId { get; set; }

    /// <summary>When the ledger learnt of it.</summary>
    public DateTimeOffset RecordedAt { get; set; }

    /// <summary>
    /// False for a grant the re-grant rule refuses (it would override the patient's own opt-out without new
    /// evidence): it stays in the ledger as an attempt but never decides the current state.
    /// </summary>
    public bool Effective { get; set; } = true;

    /// <summary>Why <see cref="Effective"/> is false.</summary>
    public string? IneffectiveReason { get; set; }
}

public static class ContactKinds
{
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Messenger = "messenger";
}
