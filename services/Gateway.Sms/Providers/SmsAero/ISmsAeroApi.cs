using System.Text.Json.Serialization;
using Refit;

namespace Comms.Gateway.Sms.Providers.SmsAero;

/// <summary>
/// SMS Aero's v2 API, relative to the account's base URL (https://gate.smsaero.ru). HTTP Basic e-mail:API key on every
/// call. Every call is a POST with a JSON body, as SMS Aero's own clients make them (smsaero/smsaero_python), so the
/// patient's number and text never sit in a URL. Raw responses: the status code carries the outcome (401, 429, 400 …)
/// and a body that does not parse must become "unknown", not an exception.
/// </summary>
public interface ISmsAeroApi
{
    /// <summary><c>POST v2/sms/send</c>.</summary>
    [Post("/v2/sms/send")]
    Task<HttpResponseMessage> SendAsync(
        [Header("Authorization")] string authorization, [Body(buffered: true)] SmsAeroSend message, CancellationToken cancellationToken);

    /// <summary><c>POST v2/sms/list?page=N</c>, filtered by number and text; SMS Aero's object-with-numeric-keys list.</summary>
    [Post("/v2/sms/list")]
    Task<HttpResponseMessage> ListAsync(
        [Header("Authorization")] string authorization, [Body(buffered: true)] SmsAeroListFilter filter, [Query] int page, CancellationToken cancellationToken);
}

/// <param name="Number">Digits only, as a JSON number: SMS Aero's own clients send it so.</param>
/// <param name="Sign">The sender name; SMS Aero's default when null.</param>
/// <param name="CallbackUrl">Where SMS Aero posts this message's receipts.</param>
public sealed record SmsAeroSend(
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("sign"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sign,
    [property: JsonPropertyName("callbackUrl"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallbackUrl);

public sealed record SmsAeroListFilter(
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("text")] string Text);
