using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.WhatsApp;

/// <summary>One webhook the simulator built: its raw body, its signature, and what the gateway answered.</summary>
/// <param name="Kind">"status" or "message".</param>
/// <param name="To">The patient's number (E.164) it concerns.</param>
/// <param name="WebhookStatus">The HTTP status the gateway answered the last post; null when not posted.</param>
public sealed record WhatsAppWebhook(long Sequence, string Kind, string To, string MessageId, string? Status, string Body, string Signature,
    DateTimeOffset CreatedAt, int? WebhookStatus = null);

/// <summary>
/// Signs webhooks as Meta does (<c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the raw body with the app secret&gt;</c>)
/// and POSTs them to the configured URL, retrying one not answered 200 after 1 s, 2 s and 5 s. Keeps every one built.
/// </summary>
public sealed partial class WhatsAppWebhookPoster(
    HttpClient http, WhatsAppWebhookLog log, IOptions<WhatsAppSimulatorOptions> options, TimeProvider time, ILogger<WhatsAppWebhookPoster> logger)
{
    public static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public WhatsAppWebhook Record(string kind, string to, string messageId, string? status, string body) =>
        log.Add(kind, to, messageId, status, body, Sign(body, options.Value.AppSecret), time.GetUtcNow());

    /// <summary>Posts it when a webhook URL is configured; the HTTP status of the last try, or null when not posted.</summary>
    public async Task<int?> PostAsync(WhatsAppWebhook webhook, bool retry, CancellationToken cancellationToken)
    {
        var url = options.Value.WebhookUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        int? last = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(webhook.Body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-Hub-Signature-256", webhook.Signature);
                using var response = await http.SendAsync(request, cancellationToken);
                last = (int)response.StatusCode;
            }
            catch (HttpRequestException ex)
            {
                LogUnreachable(logger, webhook.Kind, ex.Message);
            }

            log.Answered(webhook.Sequence, last);

            if (last == StatusCodes.Status200OK || !retry || attempt >= RetryDelays.Length)
            {
                return last;
            }

            await Task.Delay(RetryDelays[attempt], time, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "WhatsApp {Kind} webhook not posted: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string kind, string reason);
}

/// <summary>Every webhook built, oldest first. Thread-safe.</summary>
public sealed class WhatsAppWebhookLog
{
    private readonly Lock _gate = new();
    private readonly List<WhatsAppWebhook> _webhooks = [];
    private long _sequence;

    public WhatsAppWebhook Add(string kind, string to, string messageId, string? status, string body, string signature, DateTimeOffset at)
    {
        lock (_gate)
        {
            var webhook = new WhatsAppWebhook(++_sequence, kind, to, messageId, status, body, signature, at);
            _webhooks.Add(webhook);
            return webhook;
        }
    }

    public void Answered(long sequence, int? status)
    {
        lock (_gate)
        {
            var index = _webhooks.FindIndex(w => w.Sequence == sequence);
            if (index >= 0)
            {
                _webhooks[index] = _webhooks[index] with { WebhookStatus = status };
            }
        }
    }

    /// <param name="to">E.164; null for every webhook.</param>
    public IReadOnlyList<WhatsAppWebhook> List(string? to)
    {
        lock (_gate)
        {
            return [.. _webhooks.Where(w => to is null || w.To == to)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _webhooks.Clear();
        }
    }
}
