using Comms.Contracts.Mis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.Gateway.WhatsApp.Features.Sending;
using Comms.Gateway.WhatsApp.Features.Windows;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.Gateway.WhatsApp.Providers.CloudApi;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Webhooks;

/// <summary>
/// The Meta app's webhook, <c>/webhooks/whatsapp</c>. GET: the subscription handshake. POST: the signature over the raw
/// body first (bad or missing → 401, nothing read); then statuses move a message up the ranks only (late, repeated or
/// out-of-order ones change nothing), and the patient's messages open the 24-hour window, opt-out words first, then a
/// <see cref="PatientReplied"/> for the message they answer: the one named by <c>context.id</c> (a tapped button
/// names it), else the latest one that asked for an answer.
/// </summary>
public static partial class WhatsAppWebhooks
{
    public const string Path = "/webhooks/whatsapp";

    /// <summary>A status for a wamid not on record yet, this recent, most likely overtook our own commit: 503, Meta retries.
    /// Older ones are for messages this gateway never sent (another app on the number): 200 and a log line.</summary>
    public static readonly TimeSpan UnknownStatusRetryWindow = TimeSpan.FromMinutes(10);

    /// <summary>The largest body read; Meta batches up to 1,000 updates, far below this.</summary>
    private const int MaxBody = 4 * 1024 * 1024;

    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup(Path).WithTags("Webhooks");
        webhooks.MapGet("/", Verify).WithSummary("Meta's subscription handshake: echoes hub.challenge when hub.verify_token matches");
        webhooks.MapPost("/", ReceiveAsync).WithSummary("Signed statuses and patients' messages from the WhatsApp Cloud API").DisableAntiforgery();
        return routes;
    }

    internal static IResult Verify(
        [FromQuery(Name = "hub.mode")] string? mode,
        [FromQuery(Name = "hub.verify_token")] string? token,
        [FromQuery(Name = "hub.challenge")] string? challenge,
        IOptions<WhatsAppOptions> options)
    {
        if (mode == "subscribe" && challenge is not null && token is not null &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(options.Value.VerifyToken)))
        {
            return Results.Text(challenge, "text/plain");
        }

        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Webhook verification refused",
            detail: "hub.mode must be 'subscribe' and hub.verify_token must match WhatsApp:VerifyToken.");
    }

    internal static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        WhatsAppDbContext db,
        WhatsAppDispatcher dispatcher,
        DeliveryRecorder recorder,
        ConversationWindows windows,
        ReplyRouter replies,
        OptOuts optOuts,
        IOptions<WhatsAppOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WhatsAppWebhooks));
        if (request.ContentLength > MaxBody)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Webhook body too large");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (!WebhookSignature.IsValid(body.Span, request.Headers[WebhookSignature.Header], options.Value.AppSecret))
        {
            LogSpoofed(logger, request.Headers.ContainsKey(WebhookSignature.Header) ? "wrong" : "missing");
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Webhook not authenticated",
                detail: $"{WebhookSignature.Header} must be sha256=<HMAC-SHA256 of the raw body with the app secret (WhatsApp:AppSecret)>.");
        }

        JsonElement payload;
        try
        {
            payload = JsonSerializer.Deserialize<JsonElement>(body.Span);
        }
        catch (JsonException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["not JSON"] }, title: "Unreadable webhook");
        }

        var now = time.GetUtcNow();
        var unknownRecent = 0;
        var resends = new List<StatusOutcome.Resend>();

        // One transaction for the whole delivery: a resend's claim commits with everything else the body changed, or not at all.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            foreach (var value in Values(payload))
            {
                var phoneNumberId = Text(value, "metadata", "phone_number_id") ?? options.Value.PhoneNumberId;
                foreach (var status in Array(value, "statuses"))
                {
                    var outcome = await ApplyStatusAsync(db, dispatcher, recorder, status, now, options.Value.Resolution.InFlightGrace, logger, cancellationToken);
                    if (outcome == StatusOutcome.UnknownRecent)
                    {
                        unknownRecent++;
                    }
                    else if (outcome is StatusOutcome.Resend { } resend)
                    {
                        resends.Add(resend);
                    }
                }

                foreach (var inbound in Array(value, "messages"))
                {
                    await RecordInboundAsync(db, windows, replies, optOuts, phoneNumberId, inbound, now, time, logger, cancellationToken);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Meta took the free-form message but then found the window shut (131047): the approved template goes instead,
        // through the consent gate again. Done here, after the claim is committed: a repeat of the status finds it
        // claimed, and a crash before the template's own attempt leaves the claim to the resolver.
        foreach (var resend in resends)
        {
            await dispatcher.SendAsync(resend.Message, resend.Details, resend.Template, resend.Failed, cancellationToken);
        }

        if (unknownRecent > 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Status for a message not known yet",
                detail: $"{unknownRecent} status(es) name a wamid this gateway has not recorded yet; retry later.");
        }

        return Results.Ok();
    }

    private abstract record StatusOutcome
    {
        public static readonly StatusOutcome Applied = new Done(IsUnknownRecent: false);
        public static readonly StatusOutcome UnknownRecent = new Done(IsUnknownRecent: true);

        public sealed record Done(bool IsUnknownRecent) : StatusOutcome;

        /// <param name="Failed">The free-form attempt Meta failed, claimed for this resend.</param>
        public sealed record Resend(OutgoingMessage Message, WhatsAppMessage Details, WhatsAppContent Template, SendAttempt Failed) : StatusOutcome;
    }

    private static async Task<StatusOutcome> ApplyStatusAsync(
        WhatsAppDbContext db, WhatsAppDispatcher dispatcher, DeliveryRecorder recorder, JsonElement status, DateTimeOffset now,
        TimeSpan inFlightGrace, ILogger logger, CancellationToken cancellationToken)
    {
        var wamid = Text(status, "id");
        var state = Text(status, "status");
        var at = Timestamp(status) ?? now;
        if (wamid is null || state is null)
        {
            return StatusOutcome.Applied;
        }

        var attempt = await db.SendAttempts.FirstOrDefaultAsync(a => a.ProviderMessageId == wamid, cancellationToken);
        var message = attempt is null ? null : await db.Messages.FindAsync([attempt.MessageId], cancellationToken);
        if (message is null)
        {
            var recent = now - at < UnknownStatusRetryWindow;
            LogUnknownStatus(logger, state, recent);
            return recent ? StatusOutcome.UnknownRecent : StatusOutcome.Applied;
        }

        if (message.ProviderMessageId != wamid)
        {
            // An earlier attempt of this message (a free-form one a template replaced): its news is not the message's.
            return StatusOutcome.Applied;
        }

        if (attempt!.Outcome == AttemptOutcomes.Failed)
        {
            // Its failure was read before and handed the message to the template resend, which settles it: a repeat
            // of the status (Meta delivers webhooks at least once) changes nothing, even while the template is on its way.
            LogRepeatedFailure(logger, message.MessageId);
            return StatusOutcome.Applied;
        }

        var details = await db.WhatsAppMessages.FindAsync([message.MessageId], cancellationToken);
        switch (state)
        {
            case "sent":
                recorder.Transition(message, MessageStatuses.Sent);
                break;
            case "delivered" or "read":
                // "read" is at least delivered; the ranks have nothing above it.
                recorder.Transition(message, MessageStatuses.Delivered);
                break;
            case "failed":
                var error = Array(status, "errors").FirstOrDefault();
                var code = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                var errorDetails = Text(error, "error_data", "details");
                var reason = CloudApiErrors.Describe(code, Text(error, "title") ?? Text(error, "message")) +
                             (string.IsNullOrWhiteSpace(errorDetails) ? "" : $" ({errorDetails})");
                var kind = CloudApiErrors.KindOf(code);
                var final = kind == RefusalKind.Permanent ? MessageStatuses.FailedPermanent : MessageStatuses.FailedTemporary;
                if (MessageStatuses.IsFinal(message.Status) || details is null)
                {
                    recorder.Transition(message, final, reason);
                    break;
                }

                if (kind == RefusalKind.OutsideWindow && details.Form != "template" &&
                    WhatsAppDispatcher.ChooseForm(false, "", null, details.TemplateName, details.TemplateParameters, details.Locale) is { } template)
                {
                    // The claim, once per failed attempt: accepted → failed, compare-and-set. Of two deliveries of this
                    // status at once the second waits on the row, then finds it failed and sends nothing. It stays open
                    // (ResolveAfter) until the template's attempt begins, so a gateway stopped in between leaves the
                    // resolver something to settle.
                    var claimed = await db.SendAttempts
                        .Where(a => a.Id == attempt.Id && a.Outcome == AttemptOutcomes.Accepted)
                        .ExecuteUpdateAsync(a => a
                            .SetProperty(x => x.Outcome, AttemptOutcomes.Failed)
                            .SetProperty(x => x.Code, code)
                            .SetProperty(x => x.Reason, reason)
                            .SetProperty(x => x.ResolveAfter, now + inFlightGrace), cancellationToken);
                    await db.Entry(attempt).ReloadAsync(cancellationToken);
                    if (claimed == 0)
                    {
                        LogRepeatedFailure(logger, message.MessageId);
                        return StatusOutcome.Applied;
                    }

                    return new StatusOutcome.Resend(message, details, template, attempt);
                }

                dispatcher.End(message, details, final,
                    kind == RefusalKind.OutsideWindow ? $"{reason}; {WhatsAppDispatcher.NoTemplateOutsideWindow}" : reason);
                break;
        }

        if (details is not null && MessageStatuses.IsFinal(message.Status))
        {
            details.TemplateParameters = [];
        }

        return StatusOutcome.Applied;
    }

    /// <summary>
    /// The patient wrote: the window opens, opt-out words are handled first (they revoke the channel here and now and
    /// are no answer), then the answer is routed. Meta repeats webhooks: one wamid counts once.
    /// </summary>
    private static async Task RecordInboundAsync(
        WhatsAppDbContext db, ConversationWindows windows, ReplyRouter replies, OptOuts optOuts, string phoneNumberId,
        JsonElement inbound, DateTimeOffset now, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var wamid = Text(inbound, "id");
        if (wamid is null || !ContactNormalizer.TryNormalizePhone("+" + Text(inbound, "from")?.TrimStart('+'), out var phone))
        {
            LogUnreadableInbound(logger);
            return;
        }

        if (!await db.TryBeginAsync(wamid.Length <= 200 ? wamid : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(wamid))),
                "webhook-whatsapp", time, cancellationToken))
        {
            return;
        }

        var receivedAt = Timestamp(inbound) ?? now;
        await windows.OpenAsync(phoneNumberId, phone, receivedAt, cancellationToken);

        var type = Text(inbound, "type");
        string? text = type switch
        {
            "text" => Text(inbound, "text", "body"),
            "interactive" => WhatsAppDispatcher.AnswerOf(Text(inbound, "interactive", "button_reply", "id") ?? Text(inbound, "interactive", "list_reply", "id"))
                             ?? Text(inbound, "interactive", "button_reply", "title") ?? Text(inbound, "interactive", "list_reply", "title"),
            "button" => WhatsAppDispatcher.AnswerOf(Text(inbound, "button", "payload")) ?? Text(inbound, "button", "text"),
            _ => null,
        };
        LogInbound(logger, ContactNormalizer.Mask(phone), type ?? "?");
        if (string.IsNullOrWhiteSpace(text))
        {
            return; // a photo, a location…: it opened the window, and there is nothing to read as an answer
        }

        if (type == "text" && OptOutWords.IsOptOut(text))
        {
            var last = await db.Messages.AsNoTracking().Where(m => m.Contact == phone && m.Channel == Channels.WhatsApp)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            await optOuts.RecordAsync(Channels.WhatsApp, phone, OptOutWords.RefusedPurposes, ConsentMethods.Reply, text.Trim(),
                last?.ClinicId, last?.PatientId, last?.MessageId, cancellationToken);
            return;
        }

        if (Text(inbound, "context", "id") is { } contextId &&
            await db.SendAttempts.AsNoTracking().Where(a => a.ProviderMessageId == contextId).Select(a => (Guid?)a.MessageId)
                .FirstOrDefaultAsync(cancellationToken) is { } answered &&
            await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == answered && m.ExpectedReply != null, cancellationToken) is { } question)
        {
            // The patient tapped a button of (or quoted) this very message: that is the one answered, whatever came later.
            db.Publish(new PatientReplied(Guid.CreateVersion7(), Channels.WhatsApp, phone, text, question.MessageId, question.ExpectedReply,
                question.ClinicId, question.PatientId, question.AppointmentId, receivedAt), time);
            return;
        }

        await replies.RecordAsync(Channels.WhatsApp, phone, text, receivedAt, cancellationToken);
    }

    private static IEnumerable<JsonElement> Values(JsonElement payload)
    {
        foreach (var entry in Array(payload, "entry"))
        {
            foreach (var change in Array(entry, "changes"))
            {
                if (change.ValueKind == JsonValueKind.Object && change.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object)
                {
                    yield return value;
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
    }

    /// <summary>Meta's timestamps are Unix seconds, as a string.</summary>
    private static DateTimeOffset? Timestamp(JsonElement element) =>
        long.TryParse(Text(element, "timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp webhook refused: signature {Problem}")]
    private static partial void LogSpoofed(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp {MessageId}: its free-form failure was read before and its template resend claimed; repeat ignored")]
    private static partial void LogRepeatedFailure(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp status '{Status}' for a wamid not on record (recent: {Recent})")]
    private static partial void LogUnknownStatus(ILogger logger, string status, bool recent);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp message from {Phone} ({Type})")]
    private static partial void LogInbound(ILogger logger, string phone, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp inbound message without id or sender skipped")]
    private static partial void LogUnreadableInbound(ILogger logger);
}
