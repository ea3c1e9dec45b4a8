using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.Gateway.WhatsApp.Providers.CloudApi;
using Comms.ServiceDefaults.Contacts;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>
/// Takes one queued WhatsApp message to the Cloud API: the consent gate before every call, an attempt committed before
/// every call, and Meta's answer turned into the common status model.
/// <list type="bullet">
/// <item>131047 (outside the window): sent again as the approved template when there is one (through the gate again);
/// failed-temporary when there is none.</item>
/// <item>130429 / 131056 (rate limits): this recipient waits (<see cref="WhatsAppOptions.RateLimitPause"/>, doubling) and it is
/// tried again; after the last pause, failed-temporary.</item>
/// <item>131026 and other refusals of the message: failed-permanent; credentials, Meta down: failed-temporary.</item>
/// <item>Unknown (timeout after the request left, 5xx): never resent blindly; failed-temporary.</item>
/// <item>The gateway stopped during the call: the attempt stays open and <see cref="InterruptedSendResolver"/> ends the
/// message failed-temporary after <see cref="WhatsAppResolutionOptions.InFlightGrace"/>.</item>
/// </list>
/// </summary>
public sealed partial class WhatsAppDispatcher(
    WhatsAppDbContext db,
    ConsentGate gate,
    DeliveryRecorder recorder,
    CloudApiClient client,
    RecipientBackoff backoff,
    IOptions<WhatsAppOptions> options,
    TimeProvider time,
    ILogger<WhatsAppDispatcher> logger)
{
    public const string Provider = "whatsapp";

    public const string ConfirmId = "confirm";
    public const string CancelId = "cancel";
    public const string RatingIdPrefix = "rating-";

    /// <summary>Meta's limit for the body of an interactive message; a longer text goes as plain text.</summary>
    public const int InteractiveBodyLimit = 1024;

    public const string NoTemplateOutsideWindow = "outside the 24-hour window and no approved template";

    /// <summary>
    /// Inside the window: reply buttons for a confirmation, a list for a rating, else plain text. Outside: the template,
    /// or null when the clinic has none for this message.
    /// </summary>
    public static WhatsAppContent? ChooseForm(bool windowOpen, string text, string? expectedReply, string? templateName,
        IReadOnlyList<string> parameters, string locale)
    {
        if (!windowOpen)
        {
            return string.IsNullOrWhiteSpace(templateName) ? null : new WhatsAppContent.Template(templateName, LanguageCode(locale), parameters);
        }

        return expectedReply switch
        {
            ExpectedReplies.Confirmation when text.Length <= InteractiveBodyLimit =>
                new WhatsAppContent.Buttons(text, [new Choice(ConfirmId, "Подтверждаю"), new Choice(CancelId, "Отменить")]),
            ExpectedReplies.Rating when text.Length <= InteractiveBodyLimit =>
                new WhatsAppContent.List(text, "Поставить оценку",
                    [.. Enumerable.Range(1, 5).Select(n => new Choice(RatingIdPrefix + n, new string('★', n) + " " + n))]),
            _ => new WhatsAppContent.Text(text),
        };
    }

    /// <summary>The patient's tap as the digit Scheduling and Feedback already read from SMS: confirm "1", cancel "2", a rating its digit.</summary>
    public static string? AnswerOf(string? choiceId) => choiceId switch
    {
        ConfirmId => "1",
        CancelId => "2",
        { Length: > 7 } id when id.StartsWith(RatingIdPrefix, StringComparison.Ordinal) && id[RatingIdPrefix.Length..] is [>= '1' and <= '5'] digit => digit,
        _ => null,
    };

    /// <summary>Meta's language codes use an underscore ("en_US"); ours may come as "ru-RU".</summary>
    public static string LanguageCode(string locale) => string.IsNullOrWhiteSpace(locale) ? "ru" : locale.Replace('-', '_');

    /// <summary>Sends <paramref name="content"/> for a message that is tracked; returns with everything committed.</summary>
    public Task SendAsync(OutgoingMessage message, WhatsAppMessage details, WhatsAppContent content, CancellationToken cancellationToken) =>
        SendAsync(message, details, content, null, cancellationToken);

    /// <summary>
    /// The same in place of an earlier attempt left open for the resolver (a free-form one Meta failed, whose template
    /// resend is claimed): it stays open until this send's first attempt begins.
    /// </summary>
    public async Task SendAsync(OutgoingMessage message, WhatsAppMessage details, WhatsAppContent content, SendAttempt? replacing, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (_, accessToken) = settings.SenderFor(message.ClinicId);
        var rateLimited = 0;
        var waiting = replacing;
        while (true)
        {
            await backoff.WaitAsync(message.Contact, cancellationToken);

            // Past its deadline Meta may not be handed it: Scheduling may already count on the next channel.
            if (recorder.ExpireIfPastDeadline(message))
            {
                details.TemplateParameters = [];
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            // The patient may have opted out meanwhile: the gate is asked before every call, resends included.
            var decision = await gate.CheckAsync(message.Contact, Channels.WhatsApp, message.Purpose, cancellationToken);
            if (decision.Clearance is not { } clearance)
            {
                End(message, details, MessageStatuses.Blocked, decision.Reason, decision.Cause);
                LogBlocked(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), decision.Reason!);
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            if (waiting is not null)
            {
                waiting.ResolveAfter = null; // the pause is over: this attempt takes its place
            }

            var attempt = await BeginAttemptAsync(message, details, content, cancellationToken);
            var result = await client.SendAsync(new WhatsAppSendRequest(clearance, details.PhoneNumberId, accessToken, content), cancellationToken);
            attempt.FinishedAt = time.GetUtcNow();
            attempt.ResolveAfter = null;
            switch (result)
            {
                case WhatsAppSendResult.Accepted accepted:
                    attempt.Outcome = "accepted";
                    attempt.ProviderMessageId = accepted.MessageId;
                    message.Provider = Provider;
                    message.ProviderMessageId = accepted.MessageId;
                    message.AcceptedAt = attempt.FinishedAt;
                    recorder.Transition(message, MessageStatuses.Accepted);
                    LogAccepted(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), content.Form, message.Attempts);
                    await db.SaveChangesAsync(cancellationToken);
                    return;

                case WhatsAppSendResult.Refused refused:
                    attempt.Outcome = "refused";
                    attempt.Code = refused.Code;
                    attempt.Reason = refused.Reason;
                    if (refused.Kind == RefusalKind.OutsideWindow && content is not WhatsAppContent.Template &&
                        ChooseForm(false, "", null, details.TemplateName, details.TemplateParameters, details.Locale) is { } template)
                    {
                        LogOutsideWindow(logger, message.MessageId, details.TemplateName!);
                        content = template;

                        // Kept open until the template's attempt is on record: a gateway stopped in between leaves the
                        // resolver something to settle, instead of a message queued for ever.
                        attempt.ResolveAfter = time.GetUtcNow() + settings.Resolution.InFlightGrace;
                        waiting = attempt;
                        await db.SaveChangesAsync(cancellationToken);
                        continue;
                    }

                    if (refused.Kind == RefusalKind.RateLimited && rateLimited < settings.RateLimitRetries)
                    {
                        var pause = settings.RateLimitPause * Math.Pow(2, rateLimited++);
                        backoff.Pause(message.Contact, pause);

                        // Kept open over the pause: a gateway killed before the next call leaves the resolver something to end.
                        attempt.ResolveAfter = time.GetUtcNow() + pause + settings.Resolution.InFlightGrace;
                        waiting = attempt;
                        LogRateLimited(logger, message.MessageId, refused.Code, pause);
                        await db.SaveChangesAsync(cancellationToken);
                        continue;
                    }

                    var (status, reason) = refused.Kind switch
                    {
                        RefusalKind.OutsideWindow => (MessageStatuses.FailedTemporary, $"{refused.Reason}; {NoTemplateOutsideWindow}"),
                        RefusalKind.RateLimited => (MessageStatuses.FailedTemporary, $"{refused.Reason}; still limited after {rateLimited + 1} tries"),
                        RefusalKind.Temporary => (MessageStatuses.FailedTemporary, refused.Reason),
                        _ => (MessageStatuses.FailedPermanent, refused.Reason),
                    };
                    End(message, details, status, reason);
                    await db.SaveChangesAsync(cancellationToken);
                    return;

                case WhatsAppSendResult.Unknown unknown:
                    attempt.Outcome = "unknown";
                    attempt.Reason = unknown.Reason;
                    End(message, details, MessageStatuses.FailedTemporary,
                        $"{unknown.Reason}; not sent again (at most one message, never two)", StatusCauses.OutcomeUnknown);
                    LogUnknown(logger, message.MessageId, unknown.Reason);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
            }
        }
    }

    /// <summary>A final status: the rendered parameters (patient data) are no longer needed.</summary>
    public void End(OutgoingMessage message, WhatsAppMessage details, string status, string? reason, string? cause = null)
    {
        recorder.Transition(message, status, reason, cause);
        details.TemplateParameters = [];
    }

    /// <summary>The attempt, and the message with it, are on record before the call.</summary>
    private async Task<SendAttempt> BeginAttemptAsync(OutgoingMessage message, WhatsAppMessage details, WhatsAppContent content, CancellationToken cancellationToken)
    {
        message.Attempts++;
        message.UpdatedAt = time.GetUtcNow();
        details.Form = content.Form;
        var now = time.GetUtcNow();
        var attempt = new SendAttempt
        {
            MessageId = message.MessageId,
            Number = message.Attempts,
            Form = content.Form,
            StartedAt = now,
            ResolveAfter = now + options.Value.Resolution.InFlightGrace,
        };
        db.SendAttempts.Add(attempt);
        recorder.CallFollows();
        await db.SaveChangesAsync(cancellationToken);
        return attempt;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp {MessageId} to {Phone} accepted as {Form} (attempt {Attempt})")]
    private static partial void LogAccepted(ILogger logger, Guid messageId, string phone, string form, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp {MessageId} to {Phone} blocked: {Reason}")]
    private static partial void LogBlocked(ILogger logger, Guid messageId, string phone, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp {MessageId}: outside the 24-hour window; sending template {Template}")]
    private static partial void LogOutsideWindow(ILogger logger, Guid messageId, string template);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp {MessageId}: rate limited ({Code}); this recipient waits {Pause}")]
    private static partial void LogRateLimited(ILogger logger, Guid messageId, int code, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp {MessageId}: outcome unknown ({Reason}); not resent")]
    private static partial void LogUnknown(ILogger logger, Guid messageId, string reason);
}
