using Refit;

namespace Comms.Gateway.Sms.Providers.Smsc;

/// <summary>
/// SMSC.ru's HTTP API (https://smsc.ru/api/http/), relative to the account's base URL. Both calls are form POSTs, so
/// the login and password travel in the body, never in a URL that a log could keep. Raw responses: SMSC answers its own
/// errors with HTTP 200 and a JSON error_code, and an answer that cannot be read must become "unknown", not an exception.
/// </summary>
public interface ISmscApi
{
    /// <summary><c>POST sys/send.php</c>: login, psw, phones, mes, fmt=3, charset=utf-8, sender, id, cost=3.</summary>
    [Post("/sys/send.php")]
    Task<HttpResponseMessage> SendAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> fields, CancellationToken cancellationToken);

    /// <summary><c>POST sys/status.php</c>: login, psw, phone, id, fmt=3.</summary>
    [Post("/sys/status.php")]
    Task<HttpResponseMessage> StatusAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> fields, CancellationToken cancellationToken);
}
