namespace Comms.Contracts.Delivery;

/// <summary>
/// A patient linked a messenger account to the clinic by writing to its bot through their personal link. The message
/// they wrote is the consent evidence for the channel: the Consent ledger records a grant for
/// (<paramref name="MessengerId"/>, <paramref name="Channel"/>, <see cref="Purposes.Service"/>) with it.
/// </summary>
/// <param name="MessengerId">The patient's id in the messenger (MAX user id), the channel's contact.</param>
/// <param name="Evidence">What was received, for the record: the link's payload and the update's id and time.</param>
public sealed record MessengerLinked(
    Guid LinkId,
    string Channel,
    string ClinicId,
    string PatientId,
    string MessengerId,
    string Evidence,
    DateTimeOffset LinkedAt);
