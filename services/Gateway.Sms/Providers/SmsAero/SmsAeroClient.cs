using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Comms.Contracts;
using Comms.Delivery.Providers;
using Refit;

namespace Comms.Gateway.Sms.Providers.SmsAero;

/// <summary>
/// SMS Aero v2 through <see cref="ISmsAeroApi"/>. SMS Aero takes no client id, but it can list an account's messages
/// by number and text: after a timeout, the message is looked for there (<see cref="CanLookUp"/>). The receipt URL goes
/// with each message (<c>callbackUrl</c>), carrying the account's callback token, since SMS Aero signs nothing.
/// </summary>
public sealed class SmsAeroClient(string account, SmsAccountOptions settings, HttpClient http) : ISmsProvider
{
    public const string Type = "smsaero";

    /// <summary>Pages of v2/sms/list looked through for one lookup; more means the number gets a lot of the same text.</summary>
    public const int LookUpPages = 10;

    /// <summary>SMS Aero's clock and ours may differ: a message created this much before our attempt still counts.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const string Name = "SMS Aero";

    private readonly ISmsAeroApi _api = RefitApi<ISmsAeroApi>.For(http);

    public string Account => account;

    public string ProviderType => Type;

    public bool CanLookUp => true;

    private string Authorization =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Email}:{settings.ApiKey}"));

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken cancellationToken)
    {
        var number = Digits(request.Clearance.ContactFor(Channels.Sms));
        var sender = request.Sender ?? settings.Sender;
        var message = new SmsAeroSend(number, request.Text, string.IsNullOrWhiteSpace(sender) ? null : sender, request.CallbackUrl?.AbsoluteUri);

        HttpResponseMessage response;
        try
        {
            response = await _api.SendAsync(Authorization, message, cancellationToken);
        }
        catch (Exception ex) when (SmsHttpOutcomes.Classify(ex, Name, cancellationToken) is not null)
        {
            return SmsHttpOutcomes.Classify(ex, Name, cancellationToken)!;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var code = $"HTTP {status}";
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    return new SmsSendResult.NotSent(code,
                        $"SMS Aero HTTP {status}: credentials refused (Sms:Accounts:{account}:Email and ApiKey)", NotSentKind.AccountProblem);
                case HttpStatusCode.TooManyRequests:
                    return new SmsSendResult.NotSent(code, "SMS Aero HTTP 429: too many requests", NotSentKind.RateLimited, RetryAfter(response));
                case HttpStatusCode.ServiceUnavailable:
                    return new SmsSendResult.NotSent(code, "SMS Aero HTTP 503: unavailable", NotSentKind.Unavailable, RetryAfter(response));
                case HttpStatusCode.NotFound:
                    return new SmsSendResult.NotSent(code, $"SMS Aero HTTP 404: check Sms:Accounts:{account}:BaseUrl", NotSentKind.AccountProblem);
                case >= HttpStatusCode.InternalServerError:
                    return new SmsSendResult.Unknown($"SMS Aero answered HTTP {status}; it may have taken the message");
            }

            JsonElement body;
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException ex)
            {
                return response.IsSuccessStatusCode
                    ? new SmsSendResult.Unknown($"SMS Aero answered something that is not its JSON: {ex.Message}")
                    : new SmsSendResult.Rejected(code, $"SMS Aero refused the message (HTTP {status}, unreadable answer)", RejectionKind.Other);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new SmsSendResult.Unknown($"SMS Aero's answer broke off ({ex.GetType().Name}); it may have taken the message");
            }

            var data = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("data", out var value) ? value : default;
            var success = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("success", out var flag) && flag.ValueKind == JsonValueKind.True;
            if (response.IsSuccessStatusCode && success)
            {
                return SmsAeroCodes.Text(data, "id") is { Length: > 0 } id
                    ? new SmsSendResult.Accepted(id, null, SmsAeroCodes.Money(data, "cost"))
                    : new SmsSendResult.Unknown("SMS Aero's answer has no message id");
            }

            if (response.IsSuccessStatusCode && body.ValueKind != JsonValueKind.Object)
            {
                return new SmsSendResult.Unknown("SMS Aero answered JSON that is not its envelope");
            }

            return SmsAeroCodes.Refusal(status, SmsAeroCodes.Text(body, "message"), data);
        }
    }

    /// <summary>Looks through v2/sms/list for this number and exact text, created at or after the attempt (less the clock
    /// skew): found means SMS Aero took it. Every failure means "ask again later".</summary>
    public async Task<SmsLookupResult> LookUpAsync(SmsLookupRequest request, CancellationToken cancellationToken)
    {
        var number = Digits(request.Phone);
        var since = request.AttemptedAt - ClockSkew;
        try
        {
            for (var page = 1; page <= LookUpPages; page++)
            {
                using var response = await _api.ListAsync(Authorization, new SmsAeroListFilter(number, request.Text), page, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return new SmsLookupResult.Unavailable($"SMS Aero v2/sms/list answered HTTP {(int)response.StatusCode}");
                }

                var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
                if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("success", out var flag) || flag.ValueKind != JsonValueKind.True)
                {
                    return new SmsLookupResult.Unavailable($"SMS Aero v2/sms/list refused: {SmsAeroCodes.Text(body, "message") ?? "no success"}");
                }

                // An empty list comes as null or [] rather than an object.
                if (!body.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                {
                    return new SmsLookupResult.NotFound();
                }

                foreach (var entry in data.EnumerateObject().Where(e => e.Name.All(char.IsAsciiDigit)))
                {
                    var sms = entry.Value;
                    if (SmsAeroCodes.Whole(sms, "number") == number
                        && SmsAeroCodes.Text(sms, "text") == request.Text
                        && (SmsAeroCodes.UnixTime(sms, "dateCreate") is not { } created || created >= since)
                        && SmsAeroCodes.Text(sms, "id") is { Length: > 0 } id)
                    {
                        return new SmsLookupResult.Found(id);
                    }
                }

                if (!data.TryGetProperty("links", out var links) || SmsAeroCodes.Text(links, "next") is not { Length: > 0 })
                {
                    return new SmsLookupResult.NotFound();
                }
            }

            return new SmsLookupResult.Unavailable($"SMS Aero v2/sms/list has more than {LookUpPages} pages for this number and text");
        }
        catch (JsonException ex)
        {
            return new SmsLookupResult.Unavailable($"SMS Aero v2/sms/list answered something that is not its JSON: {ex.Message}");
        }
        catch (Exception ex) when (SmsHttpOutcomes.ClassifyLookup(ex, Name, cancellationToken) is not null)
        {
            return SmsHttpOutcomes.ClassifyLookup(ex, Name, cancellationToken)!;
        }
    }

    private static long Digits(string phone) => long.Parse(phone.TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture);

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
        _ => null,
    };
}
