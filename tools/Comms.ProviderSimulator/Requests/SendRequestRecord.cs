namespace Comms.ProviderSimulator.Requests;

/// <summary>One send request as the simulator received and answered it, unmasked: this is a test tool.</summary>
/// <param name="Fields">Every query and form field as received.</param>
/// <param name="Provider">One of <see cref="ProviderNames"/>.</param>
/// <param name="StatusCode">The request-level code answered, in the provider's terms: SMS.ru's status_code (100 when
/// the request itself was accepted), SMSC's error_code (0 when accepted), SMS Aero's HTTP status.</param>
/// <param name="HttpStatus">The HTTP status answered: 200 unless a fault answered another.</param>
/// <param name="DelayMs">How late the answer was sent, by a fault; null when at once.</param>
public sealed record SendRequestRecord(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string Provider,
    string Method,
    IReadOnlyDictionary<string, string> Fields,
    int StatusCode,
    string? StatusText,
    IReadOnlyList<SendAttempt> Results,
    decimal? Balance,
    int HttpStatus = StatusCodes.Status200OK,
    int? DelayMs = null);

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
