namespace Comms.ProviderSimulator.Receipts;

/// <param name="HttpStatus">Null when no HTTP answer came at all.</param>
/// <param name="Error">Why no answer came.</param>
public sealed record CallbackOutcome(bool Accepted, int? HttpStatus, string? Body, string? Error)
{
    private const int MaxBodyShown = 500;

    public string Describe() => HttpStatus is { } status
        ? $"HTTP {status} with body '{Body}'"
        : $"no answer ({Error})";

    /// <summary>
    /// POSTs a callback and reads what the receiver answered; <paramref name="taken"/> says, from the HTTP status and
    /// the body, whether the provider would count the callback as taken. A refused connection or a timeout is an
    /// outcome too, not an exception: the provider retries those like any other refusal.
    /// </summary>
    public static async Task<CallbackOutcome> PostAsync(
        HttpClient http, string url, HttpContent content, Func<int, string, bool> taken, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsync(new Uri(url), content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > MaxBodyShown)
            {
                body = body[..MaxBodyShown];
            }

            var status = (int)response.StatusCode;
            return new CallbackOutcome(taken(status, body), status, body, null);
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return new CallbackOutcome(false, null, null, ex.Message);
        }
    }
}
