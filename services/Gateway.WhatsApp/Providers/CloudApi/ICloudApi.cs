using System.Text.Json.Nodes;
using Refit;

namespace Comms.Gateway.WhatsApp.Providers.CloudApi;

/// <summary>
/// The WhatsApp Cloud API's Messages endpoint, relative to <c>WhatsApp:BaseUrl</c>:
/// <c>POST /{version}/{phone-number-id}/messages</c> with a Bearer token. The raw response is returned: the error object's
/// <c>code</c> decides the outcome, and a body that does not parse must become "unknown", not an exception.
/// </summary>
public interface ICloudApi
{
    [Post("/{version}/{phoneNumberId}/messages")]
    Task<HttpResponseMessage> SendAsync(
        string version, string phoneNumberId, [Header("Authorization")] string authorization,
        [Body(buffered: true)] JsonObject message, CancellationToken cancellationToken);
}
