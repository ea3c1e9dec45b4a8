using System.Text.Json.Serialization;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>SMS.ru's JSON answer to sms/send, field for field.</summary>
public sealed record SmsRuSendResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("status_text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? StatusText,
    [property: JsonPropertyName("sms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, SmsRuNumberResponse>? Sms,
    [property: JsonPropertyName("balance"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    decimal? Balance);

/// <summary>SMS.ru's answer for one recipient inside <see cref="SmsRuSendResponse.Sms"/>.</summary>
public sealed record SmsRuNumberResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_code")] int StatusCode,
    [property: JsonPropertyName("sms_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? SmsId,
    [property: JsonPropertyName("status_text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? StatusText);
