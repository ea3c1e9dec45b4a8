using System.Text.Json;
using Comms.ServiceDefaults.Contacts;

namespace Comms.Gateway.Sms.Providers.SmsAero;

/// <summary>
/// SMS Aero's callbacks, JSON:
/// <list type="bullet">
/// <item>a receipt, posted to the message's callbackUrl: the message as v2/sms/status shows it (id, number, status,
/// extendStatus, dateSend, dateAnswer …);</item>
/// <item>a patient's SMS to a two-way number (unverified):
/// <c>{"type":"inbound","id":N,"from":"7916…","to":"7900…","text":"…","dateReceive":unix}</c>.</item>
/// </list>
/// SMS Aero signs nothing: the URL's token, already checked by the webhook, is the authentication. An array of such
/// objects is read too. SMS Aero counts any HTTP 200 as taken.
/// </summary>
public sealed class SmsAeroCallbackReader : ISmsCallbackReader
{
    public string ProviderType => SmsAeroClient.Type;

    public IResult Acknowledge() => Results.Text("OK", "text/plain");

    public async Task<SmsCallbackRead> ReadAsync(HttpRequest request, SmsAccountOptions account, CancellationToken cancellationToken)
    {
        var items = new List<SmsCallbackItem>();
        var unreadable = new Dictionary<string, string[]>();
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            unreadable["body"] = [$"not JSON: {ex.Message}"];
            return new SmsCallbackRead.Entries(items, unreadable);
        }

        var entries = body.ValueKind switch
        {
            JsonValueKind.Array => body.EnumerateArray().ToList(),
            JsonValueKind.Object => [body],
            _ => [],
        };
        if (entries.Count == 0)
        {
            unreadable["body"] = ["expected a JSON object (a receipt or an inbound SMS)"];
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var key = body.ValueKind == JsonValueKind.Array ? $"[{i}]" : "body";
            var entry = entries[i];
            if (entry.ValueKind != JsonValueKind.Object)
            {
                unreadable[key] = ["not an object"];
            }
            else if (SmsAeroCodes.Text(entry, "type") == "inbound")
            {
                if (Inbound(entry) is { } inbound)
                {
                    items.Add(inbound);
                }
                else
                {
                    unreadable[key] = ["an inbound SMS needs id, from (a phone number) and text"];
                }
            }
            else if (SmsAeroCodes.Text(entry, "id") is not { Length: > 0 } id || SmsAeroCodes.Whole(entry, "status") is not { } status)
            {
                unreadable[key] = ["a receipt needs id and a numeric status"];
            }
            else if (SmsAeroCodes.Status((int)status) is { } common)
            {
                var description = SmsAeroCodes.Text(entry, "extendStatus") ?? SmsAeroCodes.DescribeStatus((int)status);
                var at = SmsAeroCodes.UnixTime(entry, "dateAnswer") ?? SmsAeroCodes.UnixTime(entry, "dateSend");
                items.Add(new SmsCallbackItem.Receipt(id, common, $"{status}", $"SMS Aero {status}: {description}", at));
            }
        }

        return new SmsCallbackRead.Entries(items, unreadable);
    }

    private static SmsCallbackItem.Inbound? Inbound(JsonElement entry)
    {
        var id = SmsAeroCodes.Text(entry, "id");
        var text = SmsAeroCodes.Text(entry, "text");
        var from = SmsAeroCodes.Text(entry, "from");
        if (string.IsNullOrEmpty(id) || text is null || !ContactNormalizer.TryNormalizePhone("+" + from?.TrimStart('+'), out var phone))
        {
            return null;
        }

        var at = SmsAeroCodes.UnixTime(entry, "dateReceive") ?? DateTimeOffset.UtcNow;
        return new SmsCallbackItem.Inbound(phone, text, $"smsaero-in|{id}|{phone}", at);
    }
}
