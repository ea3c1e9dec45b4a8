using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Requests;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.WhatsApp;

/// <summary>A message the simulated Cloud API took, as the patient's WhatsApp shows it.</summary>
/// <param name="Type">"text", "interactive" or "template".</param>
/// <param name="Choices">The ids of its reply buttons or list rows, with their titles.</param>
public sealed record WhatsAppSentMessage(
    string Id, string To, string PhoneNumberId, string Type, string? Text, string? TemplateName, string? Language,
    IReadOnlyList<string> Parameters, IReadOnlyDictionary<string, string> Choices, DateTimeOffset ReceivedAt);

/// <summary>A Cloud API answer: HTTP status and JSON body, and how late a fault makes it.</summary>
public sealed record WhatsAppAnswer(int HttpStatus, JsonObject Body, int? DelayMs = null);

/// <summary>
/// Does what the Cloud API does with a send: checks the token, the body and the patient's 24-hour window (free-form only
/// within 24 hours of the patient's last message: the replies this simulator posted), takes it, and posts signed
/// statuses (sent, delivered, read, or failed) to the webhook. Thread-safe.
/// </summary>
public sealed partial class WhatsAppCloud(
    MessageInbox inbox,
    FaultStore faults,
    SendRequestLog requests,
    WhatsAppWebhookLog webhookLog,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    IOptions<WhatsAppSimulatorOptions> options,
    TimeProvider time,
    ILogger<WhatsAppCloud> logger)
{
    public const string Provider = ProviderNames.WhatsApp;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _lastInbound = [];
    private readonly List<WhatsAppSentMessage> _sent = [];
    private long _nextId;

    public IReadOnlyList<WhatsAppSentMessage> Sent(string? to)
    {
        lock (_gate)
        {
            return [.. _sent.Where(m => to is null || m.To == to)];
        }
    }

    public WhatsAppSentMessage? LastSent(string to)
    {
        lock (_gate)
        {
            return _sent.FindLast(m => m.To == to);
        }
    }

    public WhatsAppSentMessage? Find(string id)
    {
        lock (_gate)
        {
            return _sent.Find(m => m.Id == id);
        }
    }

    public DateTimeOffset? LastInbound(string to)
    {
        lock (_gate)
        {
            return _lastInbound.TryGetValue(to, out var at) ? at : null;
        }
    }

    /// <summary>Opens (or closes, with a time over 24 hours ago) the patient's window, as a reply at <paramref name="at"/> would.</summary>
    public void SetLastInbound(string to, DateTimeOffset? at)
    {
        lock (_gate)
        {
            if (at is { } value)
            {
                _lastInbound[to] = value;
            }
            else
            {
                _lastInbound.Remove(to);
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _lastInbound.Clear();
            _sent.Clear();
        }

        webhookLog.Clear();
    }

    public string NextId(string prefix = "wamid.SIM")
    {
        var n = Interlocked.Increment(ref _nextId);
        return $"{prefix}{n:D12}{Guid.NewGuid():N}"[..40];
    }

    public WhatsAppAnswer Send(string phoneNumberId, string? authorization, JsonObject? body)
    {
        var now = time.GetUtcNow();
        var answer = Decide(phoneNumberId, authorization, body, now, out var phone, out var accepted);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["phone_number_id"] = phoneNumberId,
            ["to"] = body?["to"]?.ToString() ?? "",
            ["type"] = body?["type"]?.ToString() ?? "",
        };
        var code = answer.Body["error"]?["code"]?.GetValue<int>() ?? 0;
        requests.Add(new SendRequestRecord(
            requests.NextSequence(), now, Provider, "POST", fields, code, answer.Body["error"]?["message"]?.ToString(),
            phone is null ? [] : [new SendAttempt(phone.Digits, phone.E164, accepted is null ? "ERROR" : "OK", code, null, accepted?.Id, 0m, 0, answer.DelayMs)],
            null, answer.HttpStatus, answer.DelayMs));
        return answer;
    }

    private WhatsAppAnswer Decide(string phoneNumberId, string? authorization, JsonObject? body, DateTimeOffset now,
        out PhoneNumber? phone, out WhatsAppSentMessage? accepted)
    {
        phone = null;
        accepted = null;
        var settings = options.Value;
        var token = authorization is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..].Trim() : null;
        if (string.IsNullOrEmpty(token) || (settings.AccessToken.Length > 0 && token != settings.AccessToken))
        {
            return Error(StatusCodes.Status401Unauthorized, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException");
        }

        if (settings.PhoneNumberId.Length > 0 && phoneNumberId != settings.PhoneNumberId)
        {
            return Error(StatusCodes.Status400BadRequest, 100,
                $"Unsupported post request. Object with ID '{phoneNumberId}' does not exist", "GraphMethodException");
        }

        if (body is null || body["messaging_product"]?.ToString() != "whatsapp")
        {
            return Error(StatusCodes.Status400BadRequest, 100, "(#100) The parameter messaging_product is required.");
        }

        if (!PhoneNumber.TryNormalize(body["to"]?.ToString(), out phone))
        {
            return Error(StatusCodes.Status400BadRequest, 100, "(#100) Invalid parameter", details: "to: not a phone number");
        }

        var type = body["type"]?.ToString() ?? "text";
        if (Read(phoneNumberId, phone, type, body, now) is not { } message)
        {
            return Error(StatusCodes.Status400BadRequest, 131009, "(#131009) Parameter value is not valid",
                details: $"the {type} message is malformed or breaks a Cloud API limit");
        }

        var fault = faults.Take(Provider, phone.E164);
        if (fault?.HttpStatus is { } httpStatus && !fault.Accepted)
        {
            return Error(httpStatus, httpStatus == StatusCodes.Status429TooManyRequests ? 130429 : 131000, "Something went wrong") with { DelayMs = fault.DelayMs };
        }

        if ((fault?.SendStatusCode ?? OutcomeCode(fault?.Outcome)) is { } refusal)
        {
            LogRefused(logger, phone.Masked, refusal);
            return Error(refusal is 190 ? StatusCodes.Status401Unauthorized : StatusCodes.Status400BadRequest, refusal, Title(refusal),
                details: Details(refusal)) with { DelayMs = fault!.DelayMs };
        }

        if (type != "template" && !(LastInbound(phone.E164) is { } last && now - last < Window))
        {
            LogRefused(logger, phone.Masked, 131047);
            return Error(StatusCodes.Status400BadRequest, 131047, Title(131047), details: Details(131047));
        }

        accepted = message;
        lock (_gate)
        {
            _sent.Add(message);
        }

        inbox.Add(new InboxMessage(message.Id, phone.E164, message.Text ?? $"[{message.TemplateName}] {string.Join(" | ", message.Parameters)}",
            Provider, phoneNumberId, now, MessageStatus.Accepted, 0, 1, 0m, false));
        ScheduleStatuses(message, fault);
        LogAccepted(logger, message.Id, phone.Masked, type);
        if (fault is { Accepted: true, HttpStatus: { } answered })
        {
            // Taken, and its statuses follow; what answers is a proxy in front of the Cloud API that gave up on it.
            return Error(answered, answered == StatusCodes.Status429TooManyRequests ? 130429 : 131000, "Something went wrong") with { DelayMs = fault.DelayMs };
        }

        var answer = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray(new JsonObject { ["input"] = body["to"]?.ToString(), ["wa_id"] = phone.Digits }),
            ["messages"] = new JsonArray(type == "template"
                ? new JsonObject { ["id"] = message.Id, ["message_status"] = "accepted" }
                : new JsonObject { ["id"] = message.Id }),
        };
        return new WhatsAppAnswer(StatusCodes.Status200OK, answer, fault?.DelayMs);
    }

    /// <summary>The message as the phone shows it; null when it breaks the Cloud API's shape or limits.</summary>
    private WhatsAppSentMessage? Read(string phoneNumberId, PhoneNumber phone, string type, JsonObject body, DateTimeOffset now)
    {
        var choices = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (type)
        {
            case "text":
                var text = body["text"]?["body"]?.ToString();
                return string.IsNullOrEmpty(text) || text.Length > 4096
                    ? null
                    : new WhatsAppSentMessage(NextId(), phone.E164, phoneNumberId, type, text, null, null, [], choices, now);
            case "interactive":
                var interactive = body["interactive"];
                var bodyText = interactive?["body"]?["text"]?.ToString();
                if (string.IsNullOrEmpty(bodyText) || bodyText.Length > 1024)
                {
                    return null;
                }

                if (interactive?["type"]?.ToString() == "button")
                {
                    var buttons = interactive["action"]?["buttons"]?.AsArray() ?? [];
                    foreach (var button in buttons)
                    {
                        var id = button?["reply"]?["id"]?.ToString();
                        var title = button?["reply"]?["title"]?.ToString();
                        if (id is null || string.IsNullOrEmpty(title) || title.Length > 20 || !choices.TryAdd(id, title))
                        {
                            return null;
                        }
                    }

                    return buttons.Count is < 1 or > 3 ? null : new WhatsAppSentMessage(NextId(), phone.E164, phoneNumberId, type, bodyText, null, null, [], choices, now);
                }

                if (interactive?["type"]?.ToString() == "list")
                {
                    var button = interactive["action"]?["button"]?.ToString();
                    foreach (var row in (interactive["action"]?["sections"]?.AsArray() ?? []).SelectMany(s => s?["rows"]?.AsArray() ?? []))
                    {
                        var id = row?["id"]?.ToString();
                        var title = row?["title"]?.ToString();
                        if (id is null || string.IsNullOrEmpty(title) || title.Length > 24 || !choices.TryAdd(id, title))
                        {
                            return null;
                        }
                    }

                    return string.IsNullOrEmpty(button) || button.Length > 20 || choices.Count is < 1 or > 10
                        ? null
                        : new WhatsAppSentMessage(NextId(), phone.E164, phoneNumberId, type, bodyText, null, null, [], choices, now);
                }

                return null;
            case "template":
                var name = body["template"]?["name"]?.ToString();
                var language = body["template"]?["language"]?["code"]?.ToString();
                if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(language))
                {
                    return null;
                }

                var parameters = (body["template"]?["components"]?.AsArray() ?? [])
                    .Where(c => c?["type"]?.ToString() == "body")
                    .SelectMany(c => c?["parameters"]?.AsArray() ?? [])
                    .Select(p => p?["text"]?.ToString() ?? "")
                    .ToList();
                return new WhatsAppSentMessage(NextId(), phone.E164, phoneNumberId, type, null, name, language, parameters, choices, now);
            default:
                return null;
        }
    }

    /// <summary>"sent", then "delivered" (and "read" when configured), or "failed" with the fault's code; nothing for receipt "none".</summary>
    private void ScheduleStatuses(WhatsAppSentMessage message, Fault? fault)
    {
        if (fault?.Receipt == FaultReceipts.None)
        {
            return;
        }

        int? failure = fault?.ReceiptStatusCode ?? fault?.Receipt switch
        {
            FaultReceipts.Undeliverable => 131026,
            FaultReceipts.Expired => 131049,
            _ => null,
        };
        var statuses = failure is null
            ? options.Value.SendRead ? new[] { "sent", "delivered", "read" } : ["sent", "delivered"]
            : ["sent", "failed"];
        var delay = TimeSpan.FromMilliseconds(options.Value.StatusDelayMs);
        var stopping = lifetime.ApplicationStopping;
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var status in statuses)
                {
                    await Task.Delay(delay, time, stopping);
                    var inboxStatus = status switch { "failed" => MessageStatus.Failed, "sent" => MessageStatus.Accepted, _ => MessageStatus.Delivered };
                    if (inbox.ApplyReceipt(Provider, message.Id, message.To, status == "failed" ? failure!.Value : 0, inboxStatus, time.GetUtcNow(),
                            status == "failed" ? failure : null) is null)
                    {
                        return; // the inbox was cleared since
                    }

                    await PostAsync("status", message.To, message.Id, status, StatusPayload(message, status, failure), stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        }, CancellationToken.None);
    }

    /// <summary>Builds, signs, keeps and (when a webhook URL is set) posts one webhook.</summary>
    public async Task<WhatsAppWebhook> PostAsync(string kind, string to, string messageId, string? status, string body, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var poster = scope.ServiceProvider.GetRequiredService<WhatsAppWebhookPoster>();
        var webhook = poster.Record(kind, to, messageId, status, body);
        var answered = await poster.PostAsync(webhook, retry: kind == "status", cancellationToken);
        return webhook with { WebhookStatus = answered };
    }

    private string StatusPayload(WhatsAppSentMessage message, string status, int? failure)
    {
        var entry = new JsonObject
        {
            ["id"] = message.Id,
            ["status"] = status,
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["recipient_id"] = message.To.TrimStart('+'),
        };
        if (status == "failed" && failure is { } code)
        {
            entry["errors"] = new JsonArray(new JsonObject
            {
                ["code"] = code,
                ["title"] = Title(code),
                ["message"] = Title(code),
                ["error_data"] = new JsonObject { ["details"] = Details(code) },
            });
        }

        return Envelope(message.PhoneNumberId, "statuses", entry);
    }

    /// <summary>The patient's message as Meta posts it: text, or a tap on a reply button or list row of <paramref name="context"/>.</summary>
    public string InboundPayload(PhoneNumber from, string id, string? text, string? choiceId, WhatsAppSentMessage? context, DateTimeOffset at)
    {
        var message = new JsonObject
        {
            ["from"] = from.Digits,
            ["id"] = id,
            ["timestamp"] = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        };
        if (context is not null)
        {
            message["context"] = new JsonObject { ["from"] = options.Value.DisplayPhoneNumber, ["id"] = context.Id };
        }

        if (choiceId is not null)
        {
            var title = context?.Choices.GetValueOrDefault(choiceId) ?? choiceId;
            var list = context?.Type == "interactive" && context.Choices.Count > 3 || choiceId.StartsWith("rating-", StringComparison.Ordinal);
            message["type"] = "interactive";
            message["interactive"] = list
                ? new JsonObject { ["type"] = "list_reply", ["list_reply"] = new JsonObject { ["id"] = choiceId, ["title"] = title } }
                : new JsonObject { ["type"] = "button_reply", ["button_reply"] = new JsonObject { ["id"] = choiceId, ["title"] = title } };
        }
        else
        {
            message["type"] = "text";
            message["text"] = new JsonObject { ["body"] = text };
        }

        var phoneNumberId = context?.PhoneNumberId ?? LastSent(from.E164)?.PhoneNumberId ??
                            (options.Value.PhoneNumberId.Length > 0 ? options.Value.PhoneNumberId : "100000000000001");
        return Envelope(phoneNumberId, "messages", message, new JsonObject
        {
            ["profile"] = new JsonObject { ["name"] = "Пациент" },
            ["wa_id"] = from.Digits,
        });
    }

    private string Envelope(string phoneNumberId, string field, JsonObject item, JsonObject? contact = null)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = options.Value.DisplayPhoneNumber, ["phone_number_id"] = phoneNumberId },
        };
        if (contact is not null)
        {
            value["contacts"] = new JsonArray(contact);
        }

        value[field] = new JsonArray(item);
        var payload = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "100000000000000",
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
            }),
        };
        return payload.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static int? OutcomeCode(string? outcome) => outcome switch
    {
        FaultOutcomes.RateLimited => 130429,
        FaultOutcomes.BadNumber or FaultOutcomes.StopListed => 131026,
        FaultOutcomes.NoFunds => 131042,
        FaultOutcomes.Unavailable => 131016,
        _ => null,
    };

    public static string Title(int code) => code switch
    {
        131047 => "Re-engagement message",
        131026 => "Message Undeliverable",
        130429 => "Rate limit hit",
        131056 => "(Business Account, Consumer Account) pair rate limit hit",
        131042 => "Business eligibility payment issue",
        131016 => "Service unavailable",
        131049 => "This message was not delivered to maintain healthy ecosystem engagement.",
        190 => "Access token has expired",
        _ => "Error",
    };

    private static string Details(int code) => code switch
    {
        131047 => "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        131026 => "Message Undeliverable.",
        130429 => "Cloud API message throughput has been reached.",
        131056 => "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
        _ => Title(code),
    };

    private static WhatsAppAnswer Error(int httpStatus, int code, string message, string type = "OAuthException", string? details = null)
    {
        var error = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["code"] = code,
            ["fbtrace_id"] = "Sim" + Guid.NewGuid().ToString("N")[..20],
        };
        if (details is not null)
        {
            error["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = details };
        }

        return new WhatsAppAnswer(httpStatus, new JsonObject { ["error"] = error });
    }

    [LoggerMessage(LogLevel.Information, "WhatsApp message {Id} to {To} accepted ({Type})")]
    private static partial void LogAccepted(ILogger logger, string id, string to, string type);

    [LoggerMessage(LogLevel.Information, "WhatsApp message to {To} refused with {Code}")]
    private static partial void LogRefused(ILogger logger, string to, int code);
}
