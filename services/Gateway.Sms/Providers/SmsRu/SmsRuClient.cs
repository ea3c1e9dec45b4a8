using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Comms.Contracts;
using Comms.Delivery.Providers;
using Refit;

namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>
/// SMS.ru's send API through <see cref="ISmsRuApi"/>: <c>POST {BaseUrl}/sms/send</c> with form fields, JSON answer
/// (json=1). SMS.ru answers HTTP 200 for its own errors, so the outcome is read from status_code, per number.
/// </summary>
public sealed class SmsRuClient(string account, SmsAccountOptions settings, HttpClient http) : ISmsProvider
{
    public const string Type = "smsru";

    private const string Name = "SMS.ru";

    private readonly ISmsRuApi _api = RefitApi<ISmsRuApi>.For(http);

    public string Account => account;

    public string ProviderType => Type;

    /// <summary>SMS.ru takes no client id and cannot be searched: an ambiguous send stays ambiguous.</summary>
    public bool CanLookUp => false;

    public Task<SmsLookupResult> LookUpAsync(SmsLookupRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<SmsLookupResult>(new SmsLookupResult.Unavailable("SMS.ru cannot look a message up without its sms_id"));

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken cancellationToken)
    {
        var number = request.Clearance.ContactFor(Channels.Sms).TrimStart('+');
        var fields = new Dictionary<string, string>
        {
            ["api_id"] = settings.ApiId ?? "",
            ["to"] = number,
            ["msg"] = request.Text,
            ["json"] = "1",
        };
        var sender = request.Sender ?? settings.Sender;
        if (!string.IsNullOrWhiteSpace(sender))
        {
            fields["from"] = sender;
        }

        if (request.Lifetime is { } lifetime)
        {
            // "ttl": the message's lifetime in minutes, 1 to 1440; rounded up, so the carrier never gives up before we do.
            fields["ttl"] = Math.Clamp((int)Math.Ceiling(lifetime.TotalMinutes), 1, 1440).ToString(CultureInfo.InvariantCulture);
        }

        HttpResponseMessage response;
        try
        {
            response = await _api.SendAsync(fields, cancellationToken);
        }
        catch (Exception ex) when (SmsHttpOutcomes.Classify(ex, Name, cancellationToken) is not null)
        {
            return SmsHttpOutcomes.Classify(ex, Name, cancellationToken)!;
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway)
            {
                return new SmsSendResult.NotSent($"HTTP {(int)response.StatusCode}", $"SMS.ru answered HTTP {(int)response.StatusCode}",
                    response.StatusCode == HttpStatusCode.TooManyRequests ? NotSentKind.RateLimited : NotSentKind.Unavailable);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new SmsSendResult.Unknown($"SMS.ru answered HTTP {(int)response.StatusCode}");
            }

            SendResponse? body;
            try
            {
                body = JsonSerializer.Deserialize<SendResponse>(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException ex)
            {
                return new SmsSendResult.Unknown($"SMS.ru answered something that is not its JSON: {ex.Message}");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new SmsSendResult.Unknown($"SMS.ru's answer broke off ({ex.GetType().Name}); it may have taken the message");
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
                return new SmsSendResult.Unknown("SMS.ru's answer has no entry for the number");
            }

            return result.Status == "OK" && !string.IsNullOrEmpty(result.SmsId)
                ? new SmsSendResult.Accepted(result.SmsId)
                : Classify(result.StatusCode, result.StatusText);
        }
    }


    private static SmsSendResult Classify(int code, string? text)
    {
        var reason = $"SMS.ru {code}: {SmsRuCodes.Describe(code)}{(string.IsNullOrWhiteSpace(text) ? "" : $" ({text})")}";
        var key = code.ToString(CultureInfo.InvariantCulture);
        return code switch
        {
            201 => new SmsSendResult.NotSent(key, reason, NotSentKind.NoFunds),
            200 or 204 => new SmsSendResult.NotSent(key, reason, NotSentKind.AccountProblem),
            >= 230 and <= 233 or 206 => new SmsSendResult.NotSent(key, reason, NotSentKind.RateLimited),
            _ when SmsRuCodes.IsTemporary(code) => new SmsSendResult.NotSent(key, reason, NotSentKind.Unavailable),
            _ when SmsRuCodes.IsStopList(code) => new SmsSendResult.Rejected(key, reason, RejectionKind.StopListed),
            202 => new SmsSendResult.Rejected(key, reason, RejectionKind.BadNumber),
            _ => new SmsSendResult.Rejected(key, reason, RejectionKind.Other),
        };
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
