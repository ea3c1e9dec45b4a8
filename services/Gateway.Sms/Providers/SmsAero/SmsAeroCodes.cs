using System.Globalization;
using System.Text.Json;
using Comms.Contracts;

namespace Comms.Gateway.Sms.Providers.SmsAero;

/// <summary>SMS Aero's answers and message statuses (v2) and what each means here.</summary>
public static class SmsAeroCodes
{
    /// <summary>
    /// A refusal ({"success":false,"message":…,"data":{field:[…]}}) in the common model: nothing was sent. The messages are
    /// SMS Aero's ("Insufficient funds", "Validation error." with the field); "Number in stop list" is unverified.
    /// </summary>
    public static SmsSendResult Refusal(int httpStatus, string? message, JsonElement data)
    {
        var fields = data.ValueKind == JsonValueKind.Object
            ? data.EnumerateObject().ToDictionary(p => p.Name, p => Describe(p.Value), StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var details = fields.Count == 0 ? "" : $" ({string.Join("; ", fields.Select(f => $"{f.Key}: {f.Value}"))})";
        var reason = $"SMS Aero HTTP {httpStatus}: {message ?? "refused"}{details}";
        var code = $"HTTP {httpStatus}";
        var text = message ?? "";
        if (Has(text, "insufficient funds") || Has(text, "no credits") || Has(text, "not enough money"))
        {
            return new SmsSendResult.NotSent(code, reason, NotSentKind.NoFunds);
        }

        if (Has(text, "stop list") || Has(text, "stoplist") || Has(text, "blacklist"))
        {
            return new SmsSendResult.Rejected(code, reason, RejectionKind.StopListed);
        }

        if (fields.ContainsKey("number"))
        {
            return new SmsSendResult.Rejected(code, reason, RejectionKind.BadNumber);
        }

        // A sender name SMS Aero has not approved is the account's problem: another account may have it.
        if (fields.ContainsKey("sign") || Has(text, "credentials"))
        {
            return new SmsSendResult.NotSent(code, reason, NotSentKind.AccountProblem);
        }

        return new SmsSendResult.Rejected(code, reason, RejectionKind.Other);
    }

    /// <summary>A message status in the common model; null for codes this adapter does not know.</summary>
    public static string? Status(int status) => status switch
    {
        0 or 8 => MessageStatuses.Accepted,
        1 => MessageStatuses.Delivered,
        2 => MessageStatuses.FailedTemporary,
        3 or 4 => MessageStatuses.Sent,
        6 => MessageStatuses.FailedPermanent,
        _ => null,
    };

    public static string DescribeStatus(int status) => status switch
    {
        0 => "in the queue",
        1 => "delivered",
        2 => "not delivered",
        3 => "passed to the carrier",
        4 => "waiting for the carrier",
        6 => "rejected",
        8 => "on moderation",
        _ => "unknown status",
    };

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    public static long? Whole(JsonElement element, string name) =>
        long.TryParse(Text(element, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>SMS Aero writes money as a number in some answers ("cost": 5.49) and a string in others ("5.49").</summary>
    public static decimal? Money(JsonElement element, string name) =>
        decimal.TryParse(Text(element, name), NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static DateTimeOffset? UnixTime(JsonElement element, string name) =>
        Whole(element, name) is { } unix and > 0 ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
        JsonValueKind.String => value.GetString() ?? "",
        _ => value.GetRawText(),
    };
}
