namespace Comms.Contracts.Consent;

/// <summary>
/// The ledger's current state for one (contact, channel, purpose) changed. <paramref name="Sequence"/> grows with
/// every ledger record, so a projection keeps the state with the highest sequence and ignores older ones.
/// </summary>
/// <param name="ClinicId">Null when no record of this contact names a clinic (an opt-out from an unknown sender).</param>
/// <param name="Contact">Normalized: E.164 phone, lower-case email, or messenger id.</param>
/// <param name="AcceptedOverOptOutAt">For a grant: when the patient's own opt-out that the ledger's re-grant rule
/// accepted this grant over was captured (the latest such opt-out of this contact, channel and purpose before the
/// grant). Null for a revocation, and for a grant that no opt-out known to the ledger precedes. A gateway holding a
/// later opt-out of its own keeps the channel closed: the ledger has not heard of it yet.</param>
public sealed record ConsentChanged(
    long Sequence,
    string? ClinicId,
    string? PatientId,
    string Contact,
    string Channel,
    string Purpose,
    bool Granted,
    string Method,
    DateTimeOffset CapturedAt,
    DateTimeOffset RecordedAt,
    DateTimeOffset? AcceptedOverOptOutAt = null);
