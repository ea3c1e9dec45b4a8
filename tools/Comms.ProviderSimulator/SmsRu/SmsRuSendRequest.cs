using Microsoft.Extensions.Primitives;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>What a call to SMS.ru's sms/send carried, from the form body and the query string alike.</summary>
public sealed record SmsRuSendRequest(
    string Method,
    string? ApiId,
    string? To,
    string? Msg,
    string? From,
    bool Json,
    bool Test,
    IReadOnlyList<KeyValuePair<string, string>> Multi,
    IReadOnlyDictionary<string, string> Fields)
{
    private const string MultiPrefix = "multi[";

    public static async Task<SmsRuSendRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // SMS.ru accepts GET with a query string as well as a POSTed form; the form wins when both name a field.
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            fields[key] = value;
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, value) in form)
            {
                fields[key] = value;
            }
        }

        string? Single(string name) =>
            fields.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value[^1] : null;

        var multi = fields
            .Where(f => f.Key.StartsWith(MultiPrefix, StringComparison.Ordinal) && f.Key.EndsWith(']'))
            .Select(f => KeyValuePair.Create(f.Key[MultiPrefix.Length..^1], f.Value.Count > 0 ? f.Value[^1] ?? "" : ""))
            .ToList();

        return new SmsRuSendRequest(
            Method: request.Method,
            ApiId: Single("api_id"),
            // Several "to" fields are joined as a comma-separated list, which is what SMS.ru reads anyway.
            To: fields.TryGetValue("to", out var to) && !StringValues.IsNullOrEmpty(to) ? string.Join(',', to.ToArray()) : null,
            Msg: Single("msg"),
            From: Single("from"),
            Json: Single("json") == "1",
            Test: Single("test") == "1",
            Multi: multi,
            Fields: fields.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
    }

    /// <summary>Each recipient with the text meant for it: <c>multi[…]</c> when given, otherwise <c>to</c> × <c>msg</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Recipients() =>
        Multi.Count > 0
            ? Multi
            : (To ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(number => KeyValuePair.Create(number, Msg ?? ""))
                .ToList();
}
