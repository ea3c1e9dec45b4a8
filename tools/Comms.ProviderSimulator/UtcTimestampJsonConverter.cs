using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Comms.ProviderSimulator;

/// <summary>Writes timestamps as ISO 8601 in UTC with a "Z" ("2026-11-23T09:00:00.123Z").</summary>
public sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
