namespace Comms.ProviderSimulator.Requests;

/// <summary>One send request as the simulator received and answered it, unmasked: this is a test tool.</summary>
/// <param name="Fields">Every query and form field as received.</param>
/// <param name="StatusCode">The request-level status code answered (100 when the request itself was accepted).</param>
public sealed record SendRequestRecord(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string Provider,
    string Method,
    IReadOnlyDictionary<string, string> Fields,
    int StatusCode,
    string? StatusText,
    IReadOnlyList<SendAttempt> Results,
    decimal? Balance);

/// <summary>The answer for one recipient of a send request.</summary>
/// <param name="Number">The number as given in the request.</param>
/// <param name="To">The number in E.164, or null when it could not be read as one.</param>
/// <param name="Sms">Segments billed (SMS.ru's name for it), 0 when nothing was sent.</param>
public sealed record SendAttempt(
    string Number,
    string? To,
    string Status,
    int StatusCode,
    string? StatusText,
    string? SmsId,
    decimal Cost,
    int Sms,
    int? DelayMs = null);
