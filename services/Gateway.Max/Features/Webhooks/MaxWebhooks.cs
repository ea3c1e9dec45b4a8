using Comms.Contracts.Mis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Replies;
using Comms.Gateway.Max.Features.Linking;
using Comms.Gateway.Max.Features.Sending;
using Comms.Gateway.Max.Persistence;
using Comms.Gateway.Max.Providers.BotApi;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Webhooks;

/// <summary>
/// The bot's webhook, <c>/webhooks/max</c>, subscribed with <c>POST /subscriptions {url, update_types, secret}</c>. The
/// secret MAX echoes in <c>X-Max-Bot-Api-Secret</c> is checked first (bad or missing → 401, nothing read). Then each
/// update counts once: <c>bot_started</c> with a personal link's payload links the patient's account; a button tap
/// (<c>message_callback</c>) answers the very message whose button it is; a text (<c>message_created</c>) is an
/// opt-out word first, else an answer to the latest message that asked for one; <c>bot_stopped</c> (the patient blocked
/// the bot) is an opt-out of the channel. Answers to the user in the dialog
/// (the link confirmed, a tap acknowledged) go after the commit.
/// </summary>
public static partial class MaxWebhooks
{
    public const string Path = "/webhooks/max";
    public const string SecretHeader = "X-Max-Bot-Api-Secret";
    public const string TapAcknowledgement = "Спасибо, ответ принят";

    /// <summary>The consent method of an opt-out by blocking the bot.</summary>
    public const string BlockedMethod = ConsentMethods.MessengerBlocked;
    private const int MaxBody = 1024 * 1024;

    public static IEndpointRouteBuilder MapMaxWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, ReceiveAsync).WithTags("Webhooks").WithSummary("Updates from MAX's Bot API").DisableAntiforgery();
        return routes;
    }

    /// <summary>Constant time whatever the lengths: both sides hashed first.</summary>
    public static bool SecretMatches(string? presented, string expected) =>
        !string.IsNullOrEmpty(presented) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    internal static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        MaxDbContext db,
        MaxLinker linker,
        LinkTokens tokens,
        ReplyRouter replies,
        OptOuts optOuts,
        MaxBotClient bot,
        IOptions<MaxOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(MaxWebhooks));
        if (!SecretMatches(request.Headers[SecretHeader], options.Value.WebhookSecret))
        {
            LogSpoofed(logger, request.Headers.ContainsKey(SecretHeader) ? "wrong" : "missing");
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook not authenticated",
                detail: $"{SecretHeader} must carry the secret given to MAX in POST /subscriptions (Max:WebhookSecret).");
        }

        if (request.ContentLength > MaxBody)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Webhook body too large");
        }

        JsonElement payload;
        try
        {
            payload = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["not JSON"] }, title: "Unreadable update");
        }

        // MAX posts one update per request; a long-polling page ({updates: [...]}) is read the same way.
        var updates = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("updates", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [payload];
        var afterCommit = new List<Func<Task>>();
        foreach (var update in updates)
        {
            await HandleAsync(update, db, linker, tokens, replies, optOuts, bot, time, logger, afterCommit, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var action in afterCommit)
        {
            await action();
        }

        return Results.Ok();
    }

    private static async Task HandleAsync(
        JsonElement update, MaxDbContext db, MaxLinker linker, LinkTokens tokens, ReplyRouter replies, OptOuts optOuts, MaxBotClient bot,
        TimeProvider time, ILogger logger, List<Func<Task>> afterCommit, CancellationToken cancellationToken)
    {
        var type = Text(update, "update_type");
        var at = Millis(update, "timestamp") ?? time.GetUtcNow();
        switch (type)
        {
            case "bot_started":
            {
                var userId = Id(update, "user", "user_id") ?? Id(update, "user_id");
                var chatId = Long(update, "chat_id");
                if (userId is null || !await db.TryBeginAsync($"started:{userId}:{at.ToUnixTimeMilliseconds()}", "webhook-max", time, cancellationToken))
                {
                    return;
                }

                // Unverified: MAX passes a deep link's start parameter as the update's "payload" (TamTam's API did).
                var token = Text(update, "payload");
                var answer = string.IsNullOrEmpty(token)
                    ? "Здравствуйте! Чтобы получать здесь напоминания клиники, откройте личную ссылку, которую вам прислала клиника."
                    : MaxLinker.AnswerFor(await LinkAsync(linker, token, userId, chatId, "bot_started", at, logger, cancellationToken));
                afterCommit.Add(() => bot.AnswerInDialogAsync(long.Parse(userId, CultureInfo.InvariantCulture), answer, cancellationToken));
                return;
            }

            case "message_created":
            {
                var message = Element(update, "message");
                var userId = Id(message, "sender", "user_id");
                var mid = Text(message, "body", "mid");
                var text = Text(message, "body", "text")?.Trim();
                if (userId is null || mid is null || Bool(message, "sender", "is_bot") ||
                    !await db.TryBeginAsync(Key(mid), "webhook-max", time, cancellationToken))
                {
                    return;
                }

                LogInbound(logger, "message_created");
                if (string.IsNullOrEmpty(text))
                {
                    return; // a photo, a sticker…: nothing to read as an answer
                }

                // "/start <token>" typed, or the token pasted: the same as opening the link.
                var candidate = text.StartsWith("/start ", StringComparison.Ordinal) ? text[7..].Trim() : text;
                if (tokens.TryRead(candidate, out _, out _))
                {
                    var outcome = await LinkAsync(linker, candidate, userId, Long(message, "recipient", "chat_id"), "message_created", at, logger, cancellationToken);
                    afterCommit.Add(() => bot.AnswerInDialogAsync(long.Parse(userId, CultureInfo.InvariantCulture), MaxLinker.AnswerFor(outcome), cancellationToken));
                    return;
                }

                if (OptOutWords.IsOptOut(text))
                {
                    var last = await db.Messages.AsNoTracking().Where(m => m.Contact == userId && m.Channel == Channels.Max)
                        .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
                    var link = await db.Links.AsNoTracking().Where(l => l.UserId == userId).OrderByDescending(l => l.LinkedAt).FirstOrDefaultAsync(cancellationToken);
                    await optOuts.RecordAsync(Channels.Max, userId, OptOutWords.RefusedPurposes, ConsentMethods.Reply, text,
                        last?.ClinicId ?? link?.ClinicId, last?.PatientId ?? link?.PatientId, last?.MessageId, cancellationToken);
                    return;
                }

                await replies.RecordAsync(Channels.Max, userId, text, at, cancellationToken);
                return;
            }

            case "message_callback":
            {
                var callbackId = Text(update, "callback", "callback_id");
                var userId = Id(update, "callback", "user", "user_id");
                var answer = Text(update, "callback", "payload");
                if (callbackId is null || userId is null || string.IsNullOrEmpty(answer) ||
                    !await db.TryBeginAsync(Key("cb:" + callbackId), "webhook-max", time, cancellationToken))
                {
                    return;
                }

                LogInbound(logger, "message_callback");
                var at2 = Millis(update, "callback", "timestamp") ?? at;
                var mid = Text(update, "message", "body", "mid");
                var question = mid is null
                    ? null
                    : await (from attempt in db.SendAttempts.AsNoTracking()
                             join m in db.Messages.AsNoTracking() on attempt.MessageId equals m.MessageId
                             where attempt.ProviderMessageId == mid && m.ExpectedReply != null
                             select m).FirstOrDefaultAsync(cancellationToken);
                if (question is not null)
                {
                    // The tap answers the message whose button it is, whatever came later.
                    db.Publish(new PatientReplied(Guid.CreateVersion7(), Channels.Max, userId, answer, question.MessageId, question.ExpectedReply,
                        question.ClinicId, question.PatientId, question.AppointmentId, at2), time);
                }
                else
                {
                    await replies.RecordAsync(Channels.Max, userId, answer, at2, cancellationToken);
                }

                afterCommit.Add(() => bot.AnswerCallbackAsync(callbackId, TapAcknowledgement, cancellationToken));
                return;
            }

            case "bot_stopped":
            {
                // The patient blocked the clinic's bot: their own refusal of the channel, for every purpose. Linking again
                // through a personal link is new evidence and reopens it (docs/consent.md, the re-grant rule).
                var userId = Id(update, "user", "user_id") ?? Id(update, "user_id");
                if (userId is null || !await db.TryBeginAsync($"stopped:{userId}:{at.ToUnixTimeMilliseconds()}", "webhook-max", time, cancellationToken))
                {
                    return;
                }

                LogInbound(logger, "bot_stopped");
                var link = await db.Links.AsNoTracking().Where(l => l.UserId == userId).OrderByDescending(l => l.LinkedAt).FirstOrDefaultAsync(cancellationToken);
                var evidence = $"MAX bot_stopped: user {userId} in chat {Long(update, "chat_id")?.ToString(CultureInfo.InvariantCulture) ?? "?"} " +
                               $"blocked the clinic's bot at {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}";
                await optOuts.RecordAsync(Channels.Max, userId, OptOutWords.RefusedPurposes, BlockedMethod, evidence,
                    link?.ClinicId, link?.PatientId, null, cancellationToken);
                return;
            }

            default:
                LogIgnored(logger, type ?? "?");
                return;
        }
    }

    private static async Task<LinkOutcome> LinkAsync(
        MaxLinker linker, string token, string userId, long? chatId, string how, DateTimeOffset at, ILogger logger, CancellationToken cancellationToken)
    {
        var evidence = $"MAX {how}: user {userId} in chat {chatId?.ToString(CultureInfo.InvariantCulture) ?? "?"} opened the personal link " +
                       $"(start payload {token}) at {at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}";
        var outcome = await linker.LinkAsync(token, userId, chatId, evidence, cancellationToken);
        LogLink(logger, ContactNormalizer.Mask(userId), outcome);
        return outcome;
    }

    private static string Key(string id) => id.Length <= 200 ? id : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private static JsonElement Element(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return default;
            }
        }

        return element;
    }

    private static string? Text(JsonElement element, params string[] path) =>
        Element(element, path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static long? Long(JsonElement element, params string[] path) =>
        Element(element, path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var n) ? n : null;

    /// <summary>A user id as the channel's contact (digits); null when absent or not positive.</summary>
    private static string? Id(JsonElement element, params string[] path) =>
        Long(element, path) is { } id and > 0 ? id.ToString(CultureInfo.InvariantCulture) : null;

    private static bool Bool(JsonElement element, params string[] path) => Element(element, path).ValueKind == JsonValueKind.True;

    /// <summary>MAX's timestamps are Unix milliseconds.</summary>
    private static DateTimeOffset? Millis(JsonElement element, params string[] path) =>
        Long(element, path) is { } ms and > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAX webhook refused: secret {Problem}")]
    private static partial void LogSpoofed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "MAX {Type} received")]
    private static partial void LogInbound(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "MAX link by user {User}: {Outcome}")]
    private static partial void LogLink(ILogger logger, string user, LinkOutcome outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MAX {Type} update ignored")]
    private static partial void LogIgnored(ILogger logger, string type);
}
