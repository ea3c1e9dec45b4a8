using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.Contracts;
using Comms.Delivery.Providers;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Comms.Gateway.Max.Providers.BotApi;

/// <summary>
/// The Bot API through <see cref="IMaxBotApi"/> over the gateway's resilient HttpClient. Never throws for MAX's answer:
/// every outcome of a send is a <see cref="MaxSendResult"/>.
/// </summary>
public sealed class MaxBotClient(HttpClient http, string token)
{
    private readonly IMaxBotApi _api = RefitApi<IMaxBotApi>.For(ForRefit(http));

    public async Task<MaxSendResult> SendAsync(MaxSendRequest request, CancellationToken cancellationToken)
    {
        var userId = long.Parse(request.Clearance.ContactFor(Channels.Max), NumberStyles.None, CultureInfo.InvariantCulture);
        return await SendToAsync(userId, request.Content, cancellationToken);
    }

    /// <summary>
    /// An answer in the dialog the user has just written to (a linking confirmation): not a send of the clinic's, so
    /// not through the consent gate. Never used for the clinic's messages.
    /// </summary>
    public Task<MaxSendResult> AnswerInDialogAsync(long userId, string text, CancellationToken cancellationToken) =>
        SendToAsync(userId, new MaxContent(text, []), cancellationToken);

    /// <summary>Answers a button tap, so the user's client stops waiting; true when MAX took the answer.</summary>
    public async Task<bool> AnswerCallbackAsync(string callbackId, string notification, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _api.AnswerAsync(callbackId, token, new JsonObject { ["notification"] = notification }, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or TimeoutRejectedException
                                       or BrokenCircuitException or OperationCanceledException or ApiException)
        {
            return false;
        }
    }

    private async Task<MaxSendResult> SendToAsync(long userId, MaxContent content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _api.SendAsync(userId, token, Body(content), cancellationToken);
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
                return new MaxSendResult.Unknown($"the Bot API's answer broke off ({ex.GetType().Name}); it may have taken the message");
            }

            return Read((int)response.StatusCode, text);
        }
    }

    /// <summary>MAX's answer: <c>message.body.mid</c> on 200; otherwise the HTTP status and <c>{code, message}</c>.</summary>
    internal static MaxSendResult Read(int status, string text)
    {
        JsonElement json = default;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(text);
        }
        catch (JsonException)
        {
        }

        string? Field(params string[] path)
        {
            var element = json;
            foreach (var name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        }

        if (status is >= 200 and < 300)
        {
            return Field("message", "body", "mid") is { Length: > 0 } mid
                ? new MaxSendResult.Sent(mid)
                : new MaxSendResult.Unknown($"the Bot API answered HTTP {status} without a message id");
        }

        var reason = $"MAX HTTP {status}" + (Field("code") is { } code ? $" {code}" : "") + (Field("message") is { } message ? $": {message}" : "");
        return status switch
        {
            401 => new MaxSendResult.Refused(status, $"{reason} (the bot token was refused: Max:Token)", MaxRefusal.Temporary),
            403 => new MaxSendResult.Refused(status, $"{reason} (the patient has not started the bot or has blocked it)", MaxRefusal.Permanent),
            429 => new MaxSendResult.Refused(status, reason, MaxRefusal.RateLimited),
            // 503 is a refusal at the door (overload, maintenance): nothing was taken, so it may be tried again.
            503 => new MaxSendResult.Refused(status, reason, MaxRefusal.Retry),
            // Any other 5xx may come after MAX took the message (a proxy's 502 or 504 when the Bot API answered late,
            // a 500 once the message was stored): it may be in the chat, so it is never sent again blindly.
            >= 500 => new MaxSendResult.Unknown($"{reason}; it may have taken the message"),
            _ => new MaxSendResult.Refused(status, reason, MaxRefusal.Permanent),
        };
    }

    /// <summary>Surely not sent (never connected, circuit open) → retry; maybe sent (timeout after sending, cut off) → unknown.</summary>
    private static MaxSendResult? Classify(Exception exception) => Unwrap(exception) switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } ex =>
            new MaxSendResult.Refused(0, $"the Bot API is unreachable: {ex.Message}", MaxRefusal.Retry),
        BrokenCircuitException => new MaxSendResult.Refused(0, "the Bot API is failing: its circuit breaker is open", MaxRefusal.Temporary),
        TimeoutRejectedException or TaskCanceledException or OperationCanceledException =>
            new MaxSendResult.Unknown("no answer from the Bot API in time (Max:Timeout); it may have taken the message"),
        HttpRequestException ex => new MaxSendResult.Unknown($"the call to the Bot API broke off ({ex.HttpRequestError}); it may have taken the message"),
        _ => null,
    };

    private static Exception Unwrap(Exception exception) =>
        exception is ApiRequestException { InnerException: { } inner } ? Unwrap(inner) : exception;

    internal static JsonObject Body(MaxContent content)
    {
        var body = new JsonObject { ["text"] = content.Text };
        if (content.Buttons.Count > 0)
        {
            body["attachments"] = new JsonArray(new JsonObject
            {
                ["type"] = "inline_keyboard",
                ["payload"] = new JsonObject
                {
                    ["buttons"] = new JsonArray(new JsonArray([.. content.Buttons.Select(b => (JsonNode)new JsonObject
                    {
                        ["type"] = "callback", ["text"] = b.Label, ["payload"] = b.Payload,
                    })])),
                },
            });
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
