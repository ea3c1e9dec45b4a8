namespace Comms.Contracts.Delivery;

/// <summary>
/// A patient refused messages through a channel itself: a "СТОП" reply, an email unsubscribe, or a provider's
/// stop-list answer. The gateway that received it has already stopped sending before publishing this; the Consent
/// ledger records it as a revocation with this evidence.
/// </summary>
/// <param name="Contact">Normalized: E.164 phone or lower-case email.</param>
/// <param name="Purposes">What is refused (<see cref="Comms.Contracts.Purposes"/>): a "СТОП" reply or a carrier stop-list
/// refuses everything on the channel; an unsubscribe link refuses the purpose of the message it came with.</param>
/// <param name="Method">"reply", "email_link", "carrier_stop_list" or "messenger_blocked" (<see cref="Comms.Contracts.Mis.ConsentMethods"/>).</param>
/// <param name="Evidence">What was received, for the record: the reply text, the provider's code, the link used.</param>
/// <param name="InReplyToMessageId">The message the opt-out answered or came with, when known.</param>
public sealed record OptOutReceived(
    Guid OptOutId,
    string Channel,
    string Contact,
    IReadOnlyList<string> Purposes,
    string Method,
    string Evidence,
    string? ClinicId,
    string? PatientId,
    Guid? InReplyToMessageId,
    DateTimeOffset ReceivedAt);
