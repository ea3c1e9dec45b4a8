namespace Comms.Contracts.Consent;

/// <summary>
/// The ledger's current state for one (contact, channel, purpose) changed. <paramref name="Sequence"/> grows with
/// every ledger record, so a projection keeps the state with the highest sequence and ignores older ones.
/// </summary>
/// <param name="ClinicId">Null when no record of this contact names a clinic (an opt-out from an unknown sender).</param>
/// <param name="Contact">Normalized: E.164 phone, lower-case email, or messenger id.</param>
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
    DateTimeOffset RecordedAt);
