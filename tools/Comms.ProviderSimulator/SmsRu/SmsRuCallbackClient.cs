namespace Comms.ProviderSimulator.SmsRu;

/// <summary>POSTs SMS.ru callback entries to the gateway's webhook.</summary>
public sealed class SmsRuCallbackClient(HttpClient http)
{
    private const int MaxBodyShown = 500;

    public async Task<CallbackOutcome> PostAsync(string callbackUrl, string data, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new FormUrlEncodedContent([KeyValuePair.Create("data[0]", data)]);
            using var response = await http.PostAsync(new Uri(callbackUrl), content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > MaxBodyShown)
            {
                body = body[..MaxBodyShown];
            }

            // SMS.ru counts a callback as taken only when the receiver answers "100".
            var accepted = response.IsSuccessStatusCode && body.Trim() == "100";
            return new CallbackOutcome(accepted, (int)response.StatusCode, body, null);
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return new CallbackOutcome(false, null, null, ex.Message);
        }
    }
}

/// <param name="HttpStatus">Null when no HTTP answer came at all.</param>
/// <param name="Error">Why no answer came.</param>
public sealed record CallbackOutcome(bool Accepted, int? HttpStatus, string? Body, string? Error)
{
    public string Describe() => HttpStatus is { } status
        ? $"HTTP {status} with body '{Body}'"
        : $"no answer ({Error})";
}
