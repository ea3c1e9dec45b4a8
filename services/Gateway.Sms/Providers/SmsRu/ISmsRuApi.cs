using Refit;

namespace Comms.Gateway.Sms.Providers.SmsRu;

/// <summary>
/// SMS.ru's HTTP API, relative to the account's base URL. The raw response comes back because SMS.ru answers HTTP 200
/// for its own errors and the adapter must tell "an answer it could not read" (unknown) from an exception.
/// </summary>
public interface ISmsRuApi
{
    /// <summary><c>POST sms/send</c>, form fields api_id, to, msg, json=1, from.</summary>
    [Post("/sms/send")]
    Task<HttpResponseMessage> SendAsync([Body(BodySerializationMethod.UrlEncoded)] IDictionary<string, string> fields, CancellationToken cancellationToken);
}
