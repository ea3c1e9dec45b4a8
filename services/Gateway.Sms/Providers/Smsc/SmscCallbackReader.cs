using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comms.ServiceDefaults.Contacts;
using Microsoft.Extensions.Primitives;

namespace Comms.Gateway.Sms.Providers.Smsc;

/// <summary>
/// SMSC.ru's status handler: form fields, one entry per request.
/// <list type="bullet">
/// <item>A receipt: <c>id</c>, <c>phone</c>, <c>status</c>, <c>time</c>, <c>err</c>, signed
/// <c>sha1 = hex(SHA-1("id:phone:status:psw"))</c>.</item>
/// <item>A patient's SMS to the two-way number: <c>phone</c> (from), <c>mes</c>, <c>to</c>, <c>smsid</c>, <c>sent</c>,
/// <c>time</c>, signed <c>sha1 = hex(SHA-1("smsid:phone:mes:psw"))</c>.</item>
/// </list>
/// The signature uses the account's password, so only SMSC (and we) can make it: a wrong or missing one is refused
/// before anything is read as a status. SMSC counts HTTP 200 "OK" as taken and retries otherwise.
/// The field list and the signature format are unverified against SMSC's own pages (not reachable here).
/// </summary>
public sealed class SmscCallbackReader : ISmsCallbackReader
{
    public string ProviderType => SmscClient.Type;

    public IResult Acknowledge() => Results.Text("OK", "text/plain");

    public async Task<SmsCallbackRead> ReadAsync(HttpRequest request, SmsAccountOptions account, CancellationToken cancellationToken)
    {
        // SMSC posts a form; a handler configured for GET gets the same fields in the query.
        IEnumerable<KeyValuePair<string, StringValues>> source = request.HasFormContentType
            ? await request.ReadFormAsync(cancellationToken)
            : request.Query;
        var fields = source.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        string Field(string name) => fields.GetValueOrDefault(name) ?? "";

        var inbound = fields.ContainsKey("mes") && fields.ContainsKey("smsid");
        var signed = inbound
            ? $"{Field("smsid")}:{Field("phone")}:{Field("mes")}:{account.Password}"
            : $"{Field("id")}:{Field("phone")}:{Field("status")}:{account.Password}";
        if (string.IsNullOrEmpty(account.Password) || !SignatureMatches(fields.GetValueOrDefault("sha1"), signed))
        {
            return new SmsCallbackRead.Unauthorized("The SMSC.ru callback's sha1 is missing or does not match this account's password.");
        }

        var items = new List<SmsCallbackItem>();
        var unreadable = new Dictionary<string, string[]>();
        if (inbound)
        {
            if (ContactNormalizer.TryNormalizePhone("+" + Field("phone").TrimStart('+'), out var from))
            {
                var at = UnixTime(Field("time")) ?? UnixTime(Field("sent")) ?? DateTimeOffset.UtcNow;
                items.Add(new SmsCallbackItem.Inbound(from, Field("mes"), $"smsc-in|{Field("smsid")}|{from}", at));
            }
            else
            {
                unreadable["phone"] = ["not a phone number"];
            }
        }
        else if (string.IsNullOrEmpty(Field("id")))
        {
            unreadable["id"] = ["a receipt needs the message id"];
        }
        else if (!int.TryParse(Field("status"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status))
        {
            unreadable["status"] = ["a receipt needs a numeric status"];
        }
        else
        {
            var error = int.TryParse(Field("err"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var err) ? err : 0;
            if (SmscCodes.Receipt(Field("id"), status, error, UnixTime(Field("time"))) is { } receipt)
            {
                items.Add(receipt);
            }
        }

        return new SmsCallbackRead.Entries(items, unreadable);
    }

    /// <summary>Lower-case hex SHA-1 compared in constant time (case-insensitively: some handlers get it upper-case).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "SHA-1 is SMSC.ru's signature format, not a choice made here.")]
    private static bool SignatureMatches(string? presented, string signed)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var expected = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(signed)));
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(presented.Trim().ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));
    }

    private static DateTimeOffset? UnixTime(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var unix) ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
}
