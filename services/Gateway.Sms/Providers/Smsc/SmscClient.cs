using System.Globalization;
using System.Net;
using System.Text.Json;
using Comms.Contracts;
using Comms.Delivery.Providers;
using Refit;

namespace Comms.Gateway.Sms.Providers.Smsc;

/// <summary>
/// SMSC.ru through <see cref="ISmscApi"/>. Every send carries our client id (<c>id</c> = the attempt's
/// ClientReference), so after a timeout status.php can tell whether SMSC took it: that is what makes
/// <see cref="CanLookUp"/> true. SMSC answers HTTP 200 for its own errors; <c>cost=3</c> makes it say the cost.
/// </summary>
public sealed class SmscClient(string account, SmsAccountOptions settings, HttpClient http) : ISmsProvider
{
    public const string Type = "smsc";

    private const string Name = "SMSC.ru";

    private readonly ISmscApi _api = RefitApi<ISmscApi>.For(http);

    public string Account => account;

    public string ProviderType => Type;

    public bool CanLookUp => true;

    public async Task<SmsSendResult> SendAsync(SmsSendRequest request, CancellationToken cancellationToken)
    {
        var fields = Credentials();
        fields["phones"] = request.Clearance.ContactFor(Channels.Sms).TrimStart('+');
        fields["mes"] = request.Text;
        fields["fmt"] = "3";
        fields["charset"] = "utf-8";
        fields["id"] = request.ClientReference;
        fields["cost"] = "3";
        var sender = request.Sender ?? settings.Sender;
        if (!string.IsNullOrWhiteSpace(sender))
        {
            fields["sender"] = sender;
        }

        if (request.Lifetime is { } lifetime)
        {
            // "valid": how long the carrier keeps trying, in whole hours from 1 to 24; rounded up, so it never gives up
            // before we do. (The hh:mm form SMSC also documents is not used: unverified here.)
            fields["valid"] = Math.Clamp((int)Math.Ceiling(lifetime.TotalHours), 1, 24).ToString(CultureInfo.InvariantCulture);
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
            if (HttpFailure(response) is { } failure)
            {
                return failure;
            }

            JsonElement body;
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
            }
            catch (JsonException ex)
            {
                return new SmsSendResult.Unknown($"SMSC.ru answered something that is not its JSON: {ex.Message}");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new SmsSendResult.Unknown($"SMSC.ru's answer broke off ({ex.GetType().Name}); it may have taken the message");
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                return new SmsSendResult.Unknown("SMSC.ru answered JSON that is not an object");
            }

            if (Integer(body, "error_code") is { } code)
            {
                return SmscCodes.SendError(code, Text(body, "error"));
            }

            if (Integer(body, "cnt") is not { } segments)
            {
                return new SmsSendResult.Unknown("SMSC.ru's answer has neither an error_code nor a cnt");
            }

            return new SmsSendResult.Accepted(Text(body, "id") ?? request.ClientReference, segments, Decimal(body, "cost"));
        }
    }

    /// <summary>status.php by our client id and the phone: -3 means SMSC has no such message, anything else that it took it.</summary>
    public async Task<SmsLookupResult> LookUpAsync(SmsLookupRequest request, CancellationToken cancellationToken)
    {
        var fields = Credentials();
        fields["phone"] = request.Phone.TrimStart('+');
        fields["id"] = request.ClientReference;
        fields["fmt"] = "3";
        try
        {
            using var response = await _api.StatusAsync(fields, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new SmsLookupResult.Unavailable($"SMSC.ru status.php answered HTTP {(int)response.StatusCode}");
            }

            var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
            if (body.ValueKind != JsonValueKind.Object)
            {
                return new SmsLookupResult.Unavailable("SMSC.ru status.php answered JSON that is not an object");
            }

            if (Integer(body, "error_code") is { } code)
            {
                return new SmsLookupResult.Unavailable($"SMSC.ru status.php error {code}: {SmscCodes.DescribeError(code)}");
            }

            return Integer(body, "status") switch
            {
                SmscCodes.NotFound => new SmsLookupResult.NotFound(),
                not null => new SmsLookupResult.Found(request.ClientReference),
                null => new SmsLookupResult.Unavailable("SMSC.ru status.php answered without a status"),
            };
        }
        catch (JsonException ex)
        {
            return new SmsLookupResult.Unavailable($"SMSC.ru status.php answered something that is not its JSON: {ex.Message}");
        }
        catch (Exception ex) when (SmsHttpOutcomes.ClassifyLookup(ex, Name, cancellationToken) is not null)
        {
            return SmsHttpOutcomes.ClassifyLookup(ex, Name, cancellationToken)!;
        }
    }

    private Dictionary<string, string> Credentials() => new()
    {
        ["login"] = settings.Login ?? "",
        ["psw"] = settings.Password ?? "",
    };

    /// <summary>SMSC answers its own errors with 200: any other status comes from the way there (or a wrong BaseUrl).</summary>
    private SmsSendResult? HttpFailure(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var code = $"HTTP {status}";
        return response.StatusCode switch
        {
            HttpStatusCode.OK => null,
            HttpStatusCode.TooManyRequests => new SmsSendResult.NotSent(code, $"SMSC.ru answered HTTP {status}", NotSentKind.RateLimited,
                response.Headers.RetryAfter?.Delta),
            HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway =>
                new SmsSendResult.NotSent(code, $"SMSC.ru answered HTTP {status}", NotSentKind.Unavailable),
            >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError => new SmsSendResult.NotSent(code,
                $"SMSC.ru answered HTTP {status}: check Sms:Accounts:{account}:BaseUrl", NotSentKind.AccountProblem),
            _ => new SmsSendResult.Unknown($"SMSC.ru answered HTTP {status}; it may have taken the message"),
        };
    }

    private static int? Integer(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String
            && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    /// <summary>SMSC writes its money as strings ("1.50"); a number is taken too.</summary>
    private static decimal? Decimal(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number))
        {
            return number;
        }

        return value.ValueKind == JsonValueKind.String
            && decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
