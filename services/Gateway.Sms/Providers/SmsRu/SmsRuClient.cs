using Comms.Contracts;
using Comms.Delivery.Consent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>SMS.ru's send API: <c>POST {BaseUrl}/sms/send</c> with form fields, JSON answer (json=1).</summary>
public sealed class SmsRuClient(HttpClient http, IOptions<SmsRuOptions> options) : ISmsProvider
{
    public string Name => "smsru";

    public async Task<SmsSendResult> SendAsync(ConsentClearance clearance, string text, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var number = clearance.ContactFor(Channels.Sms).TrimStart('+');
        var fields = new Dictionary<string, string>
        {
            ["api_id"] = settings.ApiId,
            ["to"] = number,
            ["msg"] = text,
            ["json"] = "1",
        };
        if (!string.IsNullOrWhiteSpace(settings.Sender))
        {
            fields["from"] = settings.Sender;
        }

        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync("sms/send", new FormUrlEncodedContent(fields), cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError)
        {
            return new SmsSendResult.NotSent(null, $"SMS.ru unreachable: {ex.Message}");
        }
        catch (BrokenCircuitException)
        {
            return new SmsSendResult.NotSent(null, "SMS.ru is failing: its circuit breaker is open");
        }
        catch (Exception ex) when (ex is TaskCanceledException or TimeoutRejectedException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return new SmsSendResult.Unknown($"no answer from SMS.ru ({ex.GetType().Name}); not resent, to avoid a duplicate SMS");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway)
            {
                return new SmsSendResult.NotSent((int)response.StatusCode, $"SMS.ru answered HTTP {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new SmsSendResult.Unknown($"SMS.ru answered HTTP {(int)response.StatusCode}");
            }

            SendResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<SendResponse>(cancellationToken);
            }
            catch (JsonException ex)
            {
                return new SmsSendResult.Unknown($"SMS.ru answered something that is not its JSON: {ex.Message}");
            }

            if (body is null)
            {
                return new SmsSendResult.Unknown("SMS.ru answered an empty body");
            }

            if (body.Status != "OK")
            {
                return Classify(body.StatusCode, body.StatusText);
            }

            if (body.Sms is null || !body.Sms.TryGetValue(number, out var result))
            {
                return new SmsSendResult.Unknown($"SMS.ru's answer has no entry for the number");
            }

            return result.Status == "OK" && !string.IsNullOrEmpty(result.SmsId)
                ? new SmsSendResult.Accepted(result.SmsId)
                : Classify(result.StatusCode, result.StatusText);
        }
    }

    private static SmsSendResult Classify(int code, string? text)
    {
        var reason = $"SMS.ru {code}: {SmsRuCodes.Describe(code)}{(string.IsNullOrWhiteSpace(text) ? "" : $" ({text})")}";
        return SmsRuCodes.IsTemporary(code) ? new SmsSendResult.NotSent(code, reason)
            : SmsRuCodes.IsStopList(code) ? new SmsSendResult.StopListed(code, reason)
            : new SmsSendResult.Rejected(code, reason);
    }

    private sealed record SendResponse(
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("status_code")] int StatusCode,
        [property: JsonPropertyName("status_text")] string? StatusText,
        [property: JsonPropertyName("sms")] Dictionary<string, NumberResult>? Sms);

    private sealed record NumberResult(
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("status_code")] int StatusCode,
        [property: JsonPropertyName("status_text")] string? StatusText,
        [property: JsonPropertyName("sms_id")] string? SmsId);
}
