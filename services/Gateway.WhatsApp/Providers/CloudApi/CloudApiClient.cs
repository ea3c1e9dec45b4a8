using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.Contracts;
using Comms.Delivery.Providers;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Comms.Gateway.WhatsApp.Providers.CloudApi;

/// <summary>
/// The Cloud API through <see cref="ICloudApi"/> over the gateway's resilient HttpClient. Takes the consent gate's
/// clearance, not a number. Never throws for Meta's answer: every outcome is a <see cref="WhatsAppSendResult"/>.
/// </summary>
public sealed class CloudApiClient(HttpClient http, string apiVersion)
{
    private readonly ICloudApi _api = RefitApi<ICloudApi>.For(ForRefit(http));

    public async Task<WhatsAppSendResult> SendAsync(WhatsAppSendRequest request, CancellationToken cancellationToken)
    {
        var to = request.Clearance.ContactFor(Channels.WhatsApp).TrimStart('+');
        var body = Body(to, request.Content);
        HttpResponseMessage response;
        try
        {
            response = await _api.SendAsync(apiVersion, request.PhoneNumberId, "Bearer " + request.AccessToken, body, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } outcome)
        {
            return outcome;
        }

        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new WhatsAppSendResult.Unknown($"the Cloud API's answer broke off ({ex.GetType().Name}); it may have taken the message");
            }

            return Read((int)response.StatusCode, text);
        }
    }

    /// <summary>Meta's answer: <c>messages[0].id</c> on success, the error object's <c>code</c> otherwise.</summary>
    internal static WhatsAppSendResult Read(int status, string text)
    {
        JsonElement json = default;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
        }

        if (status is >= 200 and < 300)
        {
            return json.ValueKind == JsonValueKind.Object && json.TryGetProperty("messages", out var messages) &&
                   messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0 &&
                   messages[0].TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } wamid
                ? new WhatsAppSendResult.Accepted(wamid)
                : new WhatsAppSendResult.Unknown($"the Cloud API answered HTTP {status} without a message id");
        }

        if (json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
            error.TryGetProperty("code", out var codeValue) && codeValue.TryGetInt32(out var code))
        {
            var title = error.TryGetProperty("message", out var message) ? message.GetString() : null;
            var details = error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object &&
                          data.TryGetProperty("details", out var detail) ? detail.GetString() : null;
            var reason = CloudApiErrors.Describe(code, title) + (string.IsNullOrWhiteSpace(details) ? "" : $" ({details})");
            return status >= 500 && CloudApiErrors.KindOf(code) != RefusalKind.RateLimited
                ? new WhatsAppSendResult.Unknown($"{reason}, HTTP {status}; it may have taken the message")
                : new WhatsAppSendResult.Refused(code, reason, CloudApiErrors.KindOf(code));
        }

        return status switch
        {
            401 or 403 => new WhatsAppSendResult.Refused(190, $"Cloud API HTTP {status}: credentials refused (WhatsApp:AccessToken)", RefusalKind.Temporary),
            404 => new WhatsAppSendResult.Refused(0, "Cloud API HTTP 404: check WhatsApp:BaseUrl, ApiVersion and PhoneNumberId", RefusalKind.Temporary),
            429 => new WhatsAppSendResult.Refused(CloudApiErrors.ThroughputLimit, "Cloud API HTTP 429: too many requests", RefusalKind.RateLimited),
            >= 500 => new WhatsAppSendResult.Unknown($"the Cloud API answered HTTP {status}; it may have taken the message"),
            _ => new WhatsAppSendResult.Refused(0, $"the Cloud API refused the message (HTTP {status}, no error object)", RefusalKind.Temporary),
        };
    }

    /// <summary>Surely not sent (never connected, circuit open) → refused, temporary; maybe sent (timeout, broken off) → unknown.</summary>
    private static WhatsAppSendResult? Classify(Exception exception) => Unwrap(exception) switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } ex =>
            new WhatsAppSendResult.Refused(0, $"the Cloud API is unreachable: {ex.Message}", RefusalKind.Temporary),
        BrokenCircuitException => new WhatsAppSendResult.Refused(0, "the Cloud API is failing: its circuit breaker is open", RefusalKind.Temporary),
        TimeoutRejectedException or TaskCanceledException or OperationCanceledException =>
            new WhatsAppSendResult.Unknown("no answer from the Cloud API in time (WhatsApp:Timeout); it may have taken the message"),
        HttpRequestException ex => new WhatsAppSendResult.Unknown($"the call to the Cloud API broke off ({ex.HttpRequestError}); it may have taken the message"),
        _ => null,
    };

    private static Exception Unwrap(Exception exception) =>
        exception is ApiRequestException { InnerException: { } inner } ? Unwrap(inner) : exception;

    internal static JsonObject Body(string to, WhatsAppContent content)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = to,
        };
        switch (content)
        {
            case WhatsAppContent.Text text:
                body["type"] = "text";
                body["text"] = new JsonObject { ["preview_url"] = false, ["body"] = text.Body };
                break;
            case WhatsAppContent.Buttons buttons:
                body["type"] = "interactive";
                body["interactive"] = new JsonObject
                {
                    ["type"] = "button",
                    ["body"] = new JsonObject { ["text"] = buttons.Body },
                    ["action"] = new JsonObject
                    {
                        ["buttons"] = new JsonArray([.. buttons.Choices.Select(c => (JsonNode)new JsonObject
                        {
                            ["type"] = "reply",
                            ["reply"] = new JsonObject { ["id"] = c.Id, ["title"] = c.Title },
                        })]),
                    },
                };
                break;
            case WhatsAppContent.List list:
                body["type"] = "interactive";
                body["interactive"] = new JsonObject
                {
                    ["type"] = "list",
                    ["body"] = new JsonObject { ["text"] = list.Body },
                    ["action"] = new JsonObject
                    {
                        ["button"] = list.Button,
                        ["sections"] = new JsonArray(new JsonObject
                        {
                            ["title"] = list.Button,
                            ["rows"] = new JsonArray([.. list.Choices.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["title"] = c.Title })]),
                        }),
                    },
                };
                break;
            case WhatsAppContent.Template template:
                body["type"] = "template";
                var templateNode = new JsonObject
                {
                    ["name"] = template.Name,
                    ["language"] = new JsonObject { ["code"] = template.Locale },
                };
                if (template.Parameters.Count > 0)
                {
                    templateNode["components"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "body",
                        ["parameters"] = new JsonArray([.. template.Parameters.Select(p => (JsonNode)new JsonObject { ["type"] = "text", ["text"] = p })]),
                    });
                }

                body["template"] = templateNode;
                break;
        }

        return body;
    }

    /// <summary>Refit joins routes to a base address without its trailing slash.</summary>
    private static HttpClient ForRefit(HttpClient http)
    {
        if (http.BaseAddress is { } baseAddress)
        {
            http.BaseAddress = new Uri(baseAddress.AbsoluteUri.TrimEnd('/'));
        }

        return http;
    }
}
