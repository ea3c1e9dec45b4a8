using System.Text.Json;
using Comms.ProviderSimulator.Requests;

namespace Comms.ProviderSimulator.SmsAero;

/// <summary>
/// The fields of an SMS Aero v2 call: its documentation shows query strings, its own clients POST JSON, so both are
/// read (JSON wins). A JSON number comes as its digits, so that "number": 79161234567 reads like "79161234567".
/// </summary>
public static class SmsAeroRequest
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(await RequestFields.ReadAsync(request, cancellationToken), StringComparer.Ordinal);
        if (!request.HasJsonContentType() || request.ContentLength == 0)
        {
            return fields;
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return fields;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return fields;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        fields[property.Name] = property.Value.GetString() ?? "";
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        fields[property.Name] = property.Value.GetRawText();
                        break;
                    case JsonValueKind.Null:
                        fields.Remove(property.Name);
                        break;
                    default:
                        break;
                }
            }
        }

        return fields;
    }
}
