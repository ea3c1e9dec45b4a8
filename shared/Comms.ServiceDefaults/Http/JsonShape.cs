using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Comms.ServiceDefaults.Http;

/// <summary>
/// Every field of a JSON document that does not fit the type it is read into — a wrong type or format, a field the
/// type does not have where unknown fields are refused — keyed by its path (<c>sends[0].hoursBefore</c>). The
/// serializer stops at the first such field; this names them all, so the caller can mend the document in one go.
/// </summary>
public static class JsonShape
{
    public static IReadOnlyDictionary<string, string[]> Check(JsonElement document, Type type, JsonSerializerOptions options, int maxErrors = 50)
    {
        var errors = new Dictionary<string, string[]>();
        if (options.TypeInfoResolver is null)
        {
            // Options not yet used by the serializer have no resolver: the reflection one is what it would take.
            options = new JsonSerializerOptions(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        }

        Visit(document, options.GetTypeInfo(type), options, "", errors, maxErrors);
        return errors;
    }

    private static void Visit(JsonElement element, JsonTypeInfo info, JsonSerializerOptions options, string path, Dictionary<string, string[]> errors, int maxErrors)
    {
        if (errors.Count >= maxErrors)
        {
            return;
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            Try(element, info.Type, options, path, errors);
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var disallowUnknown = (info.UnmappedMemberHandling ?? options.UnmappedMemberHandling) == JsonUnmappedMemberHandling.Disallow;
                foreach (var member in element.EnumerateObject())
                {
                    var property = info.Properties.FirstOrDefault(p => Matches(p.Name, member.Name, options));
                    var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                    if (property is null)
                    {
                        if (disallowUnknown)
                        {
                            errors.TryAdd(at, ["is not a field here"]);
                        }

                        continue;
                    }

                    Visit(member.Value, options.GetTypeInfo(property.PropertyType), options, at, errors, maxErrors);
                }

                return;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } elementType:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item, options.GetTypeInfo(elementType), options, $"{path}[{i++}]", errors, maxErrors);
                }

                return;
            default:
                Try(element, info.Type, options, path, errors);
                return;
        }
    }

    private static bool Matches(string declared, string given, JsonSerializerOptions options) =>
        string.Equals(declared, given, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static void Try(JsonElement element, Type type, JsonSerializerOptions options, string path, Dictionary<string, string[]> errors)
    {
        try
        {
            element.Deserialize(type, options);
        }
        catch (JsonException)
        {
            errors.TryAdd(path.Length == 0 ? "$" : path, [$"has the wrong type or format: {Describe(element.ValueKind)} does not fit {Expected(type)}"]);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            errors.TryAdd(path.Length == 0 ? "$" : path, [$"has the wrong type or format for {Expected(type)}"]);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "this value",
    };

    private static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying switch
        {
            _ when underlying == typeof(string) => "text",
            _ when underlying == typeof(bool) => "true or false",
            _ when underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short) => "a whole number",
            _ when underlying == typeof(decimal) || underlying == typeof(double) || underlying == typeof(float) => "a number",
            _ when underlying == typeof(Guid) => "a UUID",
            _ when underlying == typeof(DateTimeOffset) || underlying == typeof(DateTime) => "a date-time such as 2026-11-25T10:30:00+03:00",
            _ when underlying == typeof(DateOnly) => "a date YYYY-MM-DD",
            _ when underlying == typeof(TimeOnly) => "a time HH:mm",
            _ when underlying == typeof(TimeSpan) => "a duration hh:mm:ss",
            _ when underlying.IsEnum => $"one of {string.Join(", ", Enum.GetNames(underlying))}",
            _ when underlying.IsArray || (underlying.IsGenericType && underlying.GetInterface("IEnumerable`1") is not null) => "a list",
            _ => "an object",
        };
    }
}
