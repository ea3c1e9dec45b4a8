namespace Comms.Consent.Features.Mis;

/// <summary>
/// What MassTransit hands the consumer for a raw MIS CloudEvent. It deliberately binds no fields: the consumer reads
/// the body itself with MisEventReader, so a malformed event (an "id" that is a number, say) reaches the validator and
/// the error queue with its reason, instead of failing to deserialize into a typed record.
/// </summary>
public sealed class RawMisEvent;
