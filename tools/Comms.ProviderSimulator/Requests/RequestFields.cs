using Microsoft.Extensions.Primitives;

namespace Comms.ProviderSimulator.Requests;

/// <summary>The fields of a GET query string or a POSTed form, as the form-style provider APIs read them.</summary>
public static class RequestFields
{
    /// <summary>Query and form fields alike (the form wins when both name one); the last value of a repeated field.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            fields[key] = Last(value);
        }

        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, value) in form)
            {
                fields[key] = Last(value);
            }
        }

        return fields;
    }

    private static string Last(StringValues values) => values.Count > 0 ? values[^1] ?? "" : "";
}
