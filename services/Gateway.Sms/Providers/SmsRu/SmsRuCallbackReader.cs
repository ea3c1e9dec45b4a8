using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comms.Contracts;
using Comms.ServiceDefaults.Contacts;

namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>
/// SMS.ru's callback: form fields data[0], data[1]…, each a few lines: "sms_status\n&lt;sms_id&gt;\n&lt;code&gt;\n&lt;unix
/// time&gt;" for receipts, "sms_income\n&lt;from&gt;\n&lt;to&gt;\n&lt;unix time&gt;\n&lt;text&gt;" for patients' replies.
/// SMS.ru signs nothing: the URL's secret token is the authentication. It expects "100" back and retries otherwise.
/// </summary>
public sealed class SmsRuCallbackReader : ISmsCallbackReader
{
    public string ProviderType => SmsRuClient.Type;

    public IResult Acknowledge() => Results.Text("100", "text/plain");

    public async Task<SmsCallbackRead> ReadAsync(HttpRequest request, SmsAccountOptions account, CancellationToken cancellationToken)
    {
        var unreadable = new Dictionary<string, string[]>();
        var items = new List<SmsCallbackItem>();
        if (!request.HasFormContentType)
        {
            unreadable["data"] = ["expected form fields data[0], data[1], …"];
            return new SmsCallbackRead.Entries(items, unreadable);
        }

        var form = await request.ReadFormAsync(cancellationToken);
        // In the order SMS.ru numbered them: data[2] before data[10].
        var entries = form.Where(f => f.Key.StartsWith("data[", StringComparison.Ordinal))
            .OrderBy(f => IndexOf(f.Key))
            .ThenBy(f => f.Key, StringComparer.Ordinal)
            .ToList();
        if (entries.Count == 0)
        {
            unreadable["data"] = ["no data[N] fields in the callback"];
        }

        foreach (var entry in entries)
        {
            var lines = entry.Value.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            switch (lines[0].Trim())
            {
                case "sms_status" when lines.Length >= 3 && int.TryParse(lines[2], CultureInfo.InvariantCulture, out var code):
                    if (Receipt(lines[1].Trim(), code, lines.Length > 3 ? lines[3] : null) is { } receipt)
                    {
                        items.Add(receipt);
                    }

                    break;
                case "sms_income" when lines.Length >= 5 && ContactNormalizer.TryNormalizePhone(WithPlus(lines[1].Trim()), out var from):
                    var stamp = lines[3].Trim();
                    var receivedAt = long.TryParse(stamp, CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : DateTimeOffset.UtcNow;
                    var text = string.Join('\n', lines[4..]);
                    var key = $"smsru-in|{from}|{stamp}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}";
                    items.Add(new SmsCallbackItem.Inbound(from, text, key, receivedAt));
                    break;
                case "callcheck_status":
                    break;
                default:
                    unreadable[entry.Key] = ["not an sms_status or sms_income entry of the expected form"];
                    break;
            }
        }

        return new SmsCallbackRead.Entries(items, unreadable);
    }

    private static string WithPlus(string digits) => digits.StartsWith('+') ? digits : "+" + digits;

    /// <summary>SMS.ru receipt codes in the common model; null for codes that say nothing new (100 queued).</summary>
    public static SmsCallbackItem.Receipt? Receipt(string smsId, int code, string? unixTime)
    {
        var at = long.TryParse(unixTime?.Trim(), CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : (DateTimeOffset?)null;
        var status = code switch
        {
            101 or 102 => MessageStatuses.Sent,
            103 or 110 => MessageStatuses.Delivered,
            104 => MessageStatuses.Expired,
            105 or 106 or 107 => MessageStatuses.FailedTemporary,
            108 or 150 => MessageStatuses.FailedPermanent,
            _ => null,
        };
        return status is null
            ? null
            : new SmsCallbackItem.Receipt(smsId, status, code.ToString(CultureInfo.InvariantCulture),
                $"SMS.ru {code}: {SmsRuCodes.Describe(code)}", at, BadNumber: code == 150);
    }

    /// <summary>N of a field <c>data[N]</c>; a name without a number sorts last.</summary>
    private static int IndexOf(string key) =>
        key.Length > 6 && key[^1] == ']' &&
        int.TryParse(key.AsSpan(5, key.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
