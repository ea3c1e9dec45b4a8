using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Persistence;
using Comms.Gateway.Max.Providers.BotApi;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>
/// Sends one tracked message through the Bot API: before every call the deadline and the consent gate, then an attempt
/// committed; then MAX's answer decides. MAX sends bots no delivery receipts, so a message it took ends <c>sent</c>.
/// </summary>
public sealed partial class MaxDispatcher(
    MaxDbContext db,
    ConsentGate gate,
    DeliveryRecorder recorder,
    MaxBotClient client,
    IOptions<MaxOptions> options,
    TimeProvider time,
    ILogger<MaxDispatcher> logger)
{
    public const string Provider = "max";

    /// <summary>The reply buttons: a tap sends back the digit Scheduling, Feedback and Audience's waitlist already read from SMS.</summary>
    public static MaxContent ContentFor(string text, string? expectedReply) => expectedReply switch
    {
        ExpectedReplies.Confirmation => new MaxContent(text, [("1", "Подтверждаю"), ("2", "Отменить")]),
        ExpectedReplies.Rating => new MaxContent(text, [.. Enumerable.Range(1, 5).Select(n => (n.ToString(System.Globalization.CultureInfo.InvariantCulture), new string('★', n)))]),
        ExpectedReplies.Waitlist => new MaxContent(text, [("1", "Записаться"), ("2", "Не нужно")]),
        _ => new MaxContent(text, []),
    };

    public async Task SendAsync(OutgoingMessage message, MaxContent content, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var retries = 0;
        SendAttempt? waiting = null;
        while (true)
        {
            if (recorder.ExpireIfPastDeadline(message))
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            // The patient may have opted out meanwhile: the gate is asked before every call, retries included.
            var decision = await gate.CheckAsync(message.Contact, Channels.Max, message.Purpose, cancellationToken);
            if (decision.Clearance is not { } clearance)
            {
                recorder.Transition(message, MessageStatuses.Blocked, decision.Reason, decision.Cause);
                LogBlocked(logger, message.MessageId, decision.Reason!);
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            if (waiting is not null)
            {
                waiting.ResolveAfter = null; // the pause is over: this attempt takes its place
            }

            var attempt = await BeginAttemptAsync(message, content, cancellationToken);
            var result = await client.SendAsync(new MaxSendRequest(clearance, content), cancellationToken);
            attempt.FinishedAt = time.GetUtcNow();
            attempt.ResolveAfter = null;
            switch (result)
            {
                case MaxSendResult.Sent sent:
                    attempt.Outcome = "sent";
                    attempt.ProviderMessageId = sent.Mid;
                    message.Provider = Provider;
                    message.ProviderMessageId = sent.Mid;
                    message.AcceptedAt = attempt.FinishedAt;
                    recorder.Transition(message, MessageStatuses.Sent);
                    LogSent(logger, message.MessageId, content.Form, message.Attempts);
                    await db.SaveChangesAsync(cancellationToken);
                    return;

                case MaxSendResult.Refused refused:
                    attempt.Outcome = "refused";
                    attempt.HttpStatus = refused.HttpStatus;
                    attempt.Reason = refused.Reason;
                    if (refused.Kind is MaxRefusal.RateLimited or MaxRefusal.Retry && retries < settings.RetryLimit)
                    {
                        var pause = settings.RetryPause * Math.Pow(2, retries++);
                        LogRetry(logger, message.MessageId, refused.HttpStatus, pause);

                        // Kept open over the pause: a gateway stopped before the next attempt is on record leaves the
                        // resolver something to settle, instead of a message queued for ever.
                        attempt.ResolveAfter = time.GetUtcNow() + pause + settings.Resolution.InFlightGrace;
                        waiting = attempt;
                        await db.SaveChangesAsync(cancellationToken);
                        await Task.Delay(pause, time, cancellationToken);
                        continue;
                    }

                    var (status, reason) = refused.Kind switch
                    {
                        MaxRefusal.Permanent => (MessageStatuses.FailedPermanent, refused.Reason),
                        MaxRefusal.Temporary => (MessageStatuses.FailedTemporary, refused.Reason),
                        _ => (MessageStatuses.FailedTemporary, $"{refused.Reason}; still failing after {retries + 1} tries"),
                    };
                    recorder.Transition(message, status, reason);
                    await db.SaveChangesAsync(cancellationToken);
                    return;

                case MaxSendResult.Unknown unknown:
                    attempt.Outcome = "unknown";
                    attempt.Reason = unknown.Reason;
                    recorder.Transition(message, MessageStatuses.FailedTemporary,
                        $"{unknown.Reason}; not sent again (at most one message, never two)", StatusCauses.OutcomeUnknown);
                    LogUnknown(logger, message.MessageId, unknown.Reason);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
            }
        }
    }

    /// <summary>The attempt, and the message with it, are on record before the call.</summary>
    private async Task<SendAttempt> BeginAttemptAsync(OutgoingMessage message, MaxContent content, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        message.Attempts++;
        message.UpdatedAt = now;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "MAX {MessageId} sent as {Form} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, Guid messageId, string form, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "MAX {MessageId} blocked: {Reason}")]
    private static partial void LogBlocked(ILogger logger, Guid messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAX {MessageId}: HTTP {Status}, surely not sent; trying again in {Pause}")]
    private static partial void LogRetry(ILogger logger, Guid messageId, int status, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAX {MessageId}: outcome unknown ({Reason}); not resent")]
    private static partial void LogUnknown(ILogger logger, Guid messageId, string reason);
}
