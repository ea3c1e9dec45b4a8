using System.Text;
using System.Text.Json.Nodes;
using Comms.ProviderSimulator.Faults;
using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Requests;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Max;

/// <summary>A message the simulated bot sent, as the user's MAX shows it.</summary>
/// <param name="Buttons">The payloads of its callback buttons, with their texts.</param>
public sealed record MaxSentMessage(string Mid, long UserId, long ChatId, string Text, IReadOnlyDictionary<string, string> Buttons, DateTimeOffset ReceivedAt);

/// <summary>One update the simulator built: its raw body, the secret it carried, and what the gateway answered.</summary>
/// <param name="WebhookStatus">The HTTP status the gateway answered; null when not posted.</param>
public sealed record MaxUpdate(long Sequence, string Type, long UserId, string Body, string Secret, DateTimeOffset CreatedAt, int? WebhookStatus = null);

/// <summary>A callback answered through <c>POST /answers</c>.</summary>
public sealed record MaxCallbackAnswer(string CallbackId, string? Notification, DateTimeOffset AnsweredAt);

/// <summary>A simulated MAX user: known once they started the bot; <see cref="Stopped"/> once they blocked it.</summary>
/// <param name="Phone">E.164 when given: the user's messages then also show on that phone's page.</param>
public sealed record MaxUser(long UserId, long ChatId, string Name, string? Phone, bool Stopped);

/// <summary>An answer of the simulated Bot API: HTTP status and JSON body, and how late a fault makes it.</summary>
public sealed record MaxAnswer(int HttpStatus, JsonObject Body, int? DelayMs = null);

/// <summary>
/// Does what MAX's Bot API does for a bot: checks the token, writes only to users who started the bot and did not stop
/// it, keeps the messages with their inline keyboards, answers callbacks, and posts updates (bot_started, message_created,
/// message_callback, bot_stopped) with the subscription's secret in <c>X-Max-Bot-Api-Secret</c>. MAX sends bots no
/// delivery receipts, so neither does this. Thread-safe.
/// </summary>
public sealed partial class MaxBot(
    MessageInbox inbox,
    FaultStore faults,
    SendRequestLog requests,
    IHttpClientFactory httpClients,
    IOptions<MaxSimulatorOptions> options,
    TimeProvider time,
    ILogger<MaxBot> logger)
{
    public const string Provider = ProviderNames.Max;
    public const string SecretHeader = "X-Max-Bot-Api-Secret";

    /// <summary>MAX's limit for a message's text (unverified: 4,000 characters in third-party SDKs).</summary>
    public const int TextLimit = 4000;

    private readonly Lock _gate = new();
    private readonly Dictionary<long, MaxUser> _users = [];
    private readonly List<MaxSentMessage> _sent = [];
    private readonly List<MaxUpdate> _updates = [];
    private readonly List<MaxCallbackAnswer> _answers = [];
    private (string Url, string Secret)? _subscription;
    private long _sequence;

    public (string Url, string Secret) Subscription
    {
        get
        {
            lock (_gate)
            {
                return _subscription ?? (options.Value.WebhookUrl, options.Value.WebhookSecret);
            }
        }
    }

    public bool IsAuthorized(string? authorization, string? accessToken)
    {
        var token = string.IsNullOrWhiteSpace(authorization) ? accessToken : authorization.Trim();
        return !string.IsNullOrEmpty(token) && (options.Value.Token.Length == 0 || token == options.Value.Token);
    }

    public static MaxAnswer Error(int status, string code, string message) =>
        new(status, new JsonObject { ["code"] = code, ["message"] = message });

    public JsonObject Me() => new()
    {
        ["user_id"] = options.Value.BotUserId,
        ["first_name"] = "Clinic",
        ["name"] = "Clinic",
        ["username"] = options.Value.BotName,
        ["is_bot"] = true,
        ["last_activity_time"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
    };

    public void Subscribe(string url, string secret)
    {
        lock (_gate)
        {
            _subscription = (url, secret);
        }
    }

    public void Unsubscribe()
    {
        lock (_gate)
        {
            _subscription = ("", "");
        }
    }

    public IReadOnlyList<MaxSentMessage> Sent(long? userId)
    {
        lock (_gate)
        {
            return [.. _sent.Where(m => userId is null || m.UserId == userId)];
        }
    }

    public IReadOnlyList<MaxUpdate> Updates(long? userId)
    {
        lock (_gate)
        {
            return [.. _updates.Where(u => userId is null || u.UserId == userId)];
        }
    }

    public IReadOnlyList<MaxCallbackAnswer> Answers()
    {
        lock (_gate)
        {
            return [.. _answers];
        }
    }

    public MaxUser? User(long userId)
    {
        lock (_gate)
        {
            return _users.GetValueOrDefault(userId);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _users.Clear();
            _sent.Clear();
            _updates.Clear();
            _answers.Clear();
        }
    }

    /// <summary><c>POST /messages?user_id=</c>: a text, optionally with one inline keyboard of callback buttons.</summary>
    public MaxAnswer Send(long? userId, long? chatId, JsonObject? body)
    {
        var now = time.GetUtcNow();
        var answer = Decide(userId, chatId, body, now, out var user, out var sent);
        requests.Add(new SendRequestRecord(
            requests.NextSequence(), now, Provider, "POST",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["user_id"] = userId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "" },
            answer.HttpStatus == StatusCodes.Status200OK ? 0 : answer.HttpStatus, answer.Body["code"]?.ToString(),
            user is null ? [] : [new SendAttempt(user.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), user.Phone,
                sent is null ? "ERROR" : "OK", answer.HttpStatus, null, sent?.Mid, 0m, 0, answer.DelayMs)],
            null, answer.HttpStatus, answer.DelayMs));
        return answer;
    }

    private MaxAnswer Decide(long? userId, long? chatId, JsonObject? body, DateTimeOffset now, out MaxUser? user, out MaxSentMessage? sent)
    {
        sent = null;
        lock (_gate)
        {
            user = userId is { } id ? _users.GetValueOrDefault(id) : _users.Values.FirstOrDefault(u => u.ChatId == chatId);
        }

        var text = body?["text"]?.ToString();
        if (string.IsNullOrEmpty(text) || text.Length > TextLimit)
        {
            return Error(StatusCodes.Status400BadRequest, "proto.payload", $"text must be 1 to {TextLimit} characters");
        }

        var buttons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attachment in body?["attachments"]?.AsArray() ?? [])
        {
            if (attachment?["type"]?.ToString() != "inline_keyboard")
            {
                return Error(StatusCodes.Status400BadRequest, "proto.payload", "only inline_keyboard attachments are simulated");
            }

            foreach (var button in (attachment["payload"]?["buttons"]?.AsArray() ?? []).SelectMany(row => row?.AsArray() ?? []))
            {
                var payload = button?["payload"]?.ToString();
                var label = button?["text"]?.ToString();
                if (button?["type"]?.ToString() != "callback" || string.IsNullOrEmpty(payload) || string.IsNullOrEmpty(label) ||
                    !buttons.TryAdd(payload, label))
                {
                    return Error(StatusCodes.Status400BadRequest, "proto.payload", "each button must be a callback button with text and a unique payload");
                }
            }
        }

        if (user is null || user.Stopped)
        {
            // A bot may only write to a user who started it, and not after they stopped it.
            return Error(StatusCodes.Status403Forbidden, "chat.denied", "chat.denied: the user has not started the bot or has blocked it");
        }

        var fault = faults.Take(Provider, user.Phone ?? $"max:{user.UserId}");
        if (fault?.HttpStatus is { } httpStatus && !fault.Accepted)
        {
            return Error(httpStatus, httpStatus == StatusCodes.Status429TooManyRequests ? "too.many.requests" : "internal.error", "Something went wrong")
                with { DelayMs = fault.DelayMs };
        }

        switch (fault?.Outcome)
        {
            case FaultOutcomes.RateLimited:
                return Error(StatusCodes.Status429TooManyRequests, "too.many.requests", "Too many requests") with { DelayMs = fault.DelayMs };
            case FaultOutcomes.BadNumber or FaultOutcomes.StopListed:
                return Error(StatusCodes.Status403Forbidden, "chat.denied", "chat.denied") with { DelayMs = fault.DelayMs };
            case FaultOutcomes.Unavailable or FaultOutcomes.NoFunds:
                return Error(StatusCodes.Status503ServiceUnavailable, "service.unavailable", "Service unavailable") with { DelayMs = fault.DelayMs };
        }

        var seq = Interlocked.Increment(ref _sequence);
        sent = new MaxSentMessage($"mid.{seq:x16}{Guid.NewGuid():N}"[..36], user.UserId, user.ChatId, text, buttons, now);
        lock (_gate)
        {
            _sent.Add(sent);
        }

        inbox.Add(new InboxMessage(sent.Mid, user.Phone ?? $"max:{user.UserId}",
            buttons.Count == 0 ? text : $"{text} [{string.Join("] [", buttons.Values)}]", Provider, options.Value.BotName, now, MessageStatus.Accepted, 0, 1, 0m, false));
        LogSent(logger, sent.Mid, buttons.Count);
        if (fault is { Accepted: true, HttpStatus: { } answered })
        {
            // The message is in the chat; what answers is a proxy in front of the Bot API that gave up on it.
            return Error(answered, answered == StatusCodes.Status429TooManyRequests ? "too.many.requests" : "internal.error", "Something went wrong")
                with { DelayMs = fault.DelayMs };
        }

        return new MaxAnswer(StatusCodes.Status200OK, new JsonObject { ["message"] = BotMessage(sent) }, fault?.DelayMs);
    }

    public bool Answer(string callbackId, JsonObject? body)
    {
        lock (_gate)
        {
            if (!_updates.Any(u => u.Type == "message_callback" && u.Body.Contains(callbackId, StringComparison.Ordinal)))
            {
                return false;
            }

            _answers.Add(new MaxCallbackAnswer(callbackId, body?["notification"]?.ToString(), time.GetUtcNow()));
            return true;
        }
    }

    /// <summary>The user opens the bot (by a deep link when <paramref name="payload"/> is given): <c>bot_started</c>.</summary>
    public Task<MaxUpdate> StartAsync(long userId, string? payload, string? name, string? phone, CancellationToken cancellationToken)
    {
        MaxUser user;
        lock (_gate)
        {
            user = new MaxUser(userId, ChatIdOf(userId), name ?? $"Пациент {userId}", phone, Stopped: false);
            _users[userId] = user;
        }

        var update = Envelope("bot_started");
        update["chat_id"] = user.ChatId;
        update["user"] = UserNode(user);
        update["user_id"] = user.UserId;
        if (!string.IsNullOrEmpty(payload))
        {
            update["payload"] = payload;
        }

        return PostAsync("bot_started", userId, update, cancellationToken);
    }

    /// <summary>The user writes a text: <c>message_created</c>.</summary>
    public Task<MaxUpdate>? WriteAsync(long userId, string text, CancellationToken cancellationToken)
    {
        if (User(userId) is not { } user)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var update = Envelope("message_created");
        update["message"] = new JsonObject
        {
            ["sender"] = UserNode(user),
            ["recipient"] = new JsonObject { ["chat_id"] = user.ChatId, ["chat_type"] = "dialog", ["user_id"] = options.Value.BotUserId },
            ["timestamp"] = now.ToUnixTimeMilliseconds(),
            ["body"] = new JsonObject { ["mid"] = $"mid.in{Interlocked.Increment(ref _sequence):x16}{Guid.NewGuid():N}"[..36], ["seq"] = _sequence, ["text"] = text },
        };
        return PostAsync("message_created", userId, update, cancellationToken);
    }

    /// <summary>The user taps a callback button of a message the bot sent: <c>message_callback</c>. Null when no such button.</summary>
    public Task<MaxUpdate>? TapAsync(long userId, string payload, string? mid, CancellationToken cancellationToken)
    {
        var user = User(userId);
        MaxSentMessage? message;
        lock (_gate)
        {
            message = _sent.FindLast(m => m.UserId == userId && m.Buttons.ContainsKey(payload) && (mid is null || m.Mid == mid));
        }

        if (user is null || message is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var update = Envelope("message_callback");
        update["callback"] = new JsonObject
        {
            ["timestamp"] = now.ToUnixTimeMilliseconds(),
            ["callback_id"] = "cb" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["payload"] = payload,
            ["user"] = UserNode(user),
        };
        update["message"] = BotMessage(message);
        return PostAsync("message_callback", userId, update, cancellationToken);
    }

    /// <summary>The user blocks the bot: <c>bot_stopped</c>; later sends to them are refused with 403 chat.denied.</summary>
    public Task<MaxUpdate>? StopAsync(long userId, CancellationToken cancellationToken)
    {
        MaxUser? user;
        lock (_gate)
        {
            user = _users.GetValueOrDefault(userId);
            if (user is not null)
            {
                _users[userId] = user with { Stopped = true };
            }
        }

        if (user is null)
        {
            return null;
        }

        var update = Envelope("bot_stopped");
        update["chat_id"] = user.ChatId;
        update["user"] = UserNode(user);
        return PostAsync("bot_stopped", userId, update, cancellationToken);
    }

    private static long ChatIdOf(long userId) => 1_000_000_000_000 + userId;

    private JsonObject Envelope(string type) => new()
    {
        ["update_type"] = type,
        ["timestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
        ["user_locale"] = "ru",
    };

    private static JsonObject UserNode(MaxUser user) => new()
    {
        ["user_id"] = user.UserId,
        ["first_name"] = user.Name,
        ["name"] = user.Name,
        ["is_bot"] = false,
    };

    private JsonObject BotMessage(MaxSentMessage message)
    {
        var body = new JsonObject { ["mid"] = message.Mid, ["seq"] = Interlocked.Read(ref _sequence), ["text"] = message.Text };
        if (message.Buttons.Count > 0)
        {
            body["attachments"] = new JsonArray(new JsonObject
            {
                ["type"] = "inline_keyboard",
                ["payload"] = new JsonObject
                {
                    ["buttons"] = new JsonArray(new JsonArray([.. message.Buttons.Select(b => (JsonNode)new JsonObject
                    {
                        ["type"] = "callback", ["text"] = b.Value, ["payload"] = b.Key,
                    })])),
                },
            });
        }

        return new JsonObject
        {
            ["sender"] = new JsonObject { ["user_id"] = options.Value.BotUserId, ["name"] = "Clinic", ["username"] = options.Value.BotName, ["is_bot"] = true },
            ["recipient"] = new JsonObject { ["chat_id"] = message.ChatId, ["chat_type"] = "dialog", ["user_id"] = message.UserId },
            ["timestamp"] = message.ReceivedAt.ToUnixTimeMilliseconds(),
            ["body"] = body,
        };
    }

    private async Task<MaxUpdate> PostAsync(string type, long userId, JsonObject update, CancellationToken cancellationToken)
    {
        var (url, secret) = Subscription;
        var body = update.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        MaxUpdate recorded;
        lock (_gate)
        {
            recorded = new MaxUpdate(Interlocked.Increment(ref _sequence), type, userId, body, secret, time.GetUtcNow());
            _updates.Add(recorded);
        }

        if (string.IsNullOrWhiteSpace(url))
        {
            return recorded;
        }

        int? status = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(SecretHeader, secret);
            using var response = await httpClients.CreateClient(nameof(MaxBot)).SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnreachable(logger, type, ex.Message);
        }

        lock (_gate)
        {
            var index = _updates.FindIndex(u => u.Sequence == recorded.Sequence);
            recorded = recorded with { WebhookStatus = status };
            _updates[index] = recorded;
        }

        return recorded;
    }

    [LoggerMessage(LogLevel.Information, "MAX message {Mid} sent ({Buttons} buttons)")]
    private static partial void LogSent(ILogger logger, string mid, int buttons);

    [LoggerMessage(LogLevel.Warning, "MAX {Type} update not posted: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string type, string reason);
}
