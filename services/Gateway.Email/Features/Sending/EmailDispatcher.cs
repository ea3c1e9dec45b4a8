using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Persistence;
using Comms.Gateway.Email.Providers.Smtp;
using Comms.ServiceDefaults.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// Takes one queued mail to the SMTP relay: the consent gate before every try, the try counted and committed before
/// the call, and the relay's answer turned into the common status model.
/// <list type="bullet">
/// <item>250: <c>sent</c>. The relay has it; SMTP gives no delivery receipt, so an email never becomes <c>delivered</c>.</item>
/// <item>5xx: <c>failed-permanent</c> with the relay's code and text.</item>
/// <item>4xx, or no connection, or a connection lost before the data left: surely not taken; tried again after
/// <see cref="SmtpOptions.RetryDelays"/>, then <c>failed-temporary</c>.</item>
/// <item>The connection lost after the data left: the relay may have it; <c>failed-temporary</c>, never resent
/// blindly (at most one mail, never two).</item>
/// <item>The gateway stopped during the call: the try stays open and <see cref="InterruptedSendResolver"/> ends the
/// mail failed-temporary after <see cref="EmailResolutionOptions.InFlightGrace"/>.</item>
/// </list>
/// </summary>
public sealed partial class EmailDispatcher(
    EmailDbContext db,
    ConsentGate gate,
    DeliveryRecorder recorder,
    SmtpMailer mailer,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<EmailDispatcher> logger)
{
    /// <summary>
    /// Sends a message that is tracked as queued (committed or not: the first try's commit writes it). Returns with
    /// everything committed.
    /// </summary>
    public async Task DispatchAsync(OutgoingMessage message, MimeMessage mail, CancellationToken cancellationToken)
    {
        var delays = options.Value.Smtp.EffectiveRetryDelays;
        EmailSendResult.NotSent? last = null;
        SendAttempt? waiting = null;
        for (var attempt = 0; attempt <= delays.Count; attempt++)
        {
            if (attempt > 0 && !await PauseAsync(message, delays[attempt - 1], last!, cancellationToken))
            {
                return;
            }

            // Past its deadline no relay may be handed it: Scheduling may already count on the next channel.
            if (recorder.ExpireIfPastDeadline(message))
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            // The patient may have unsubscribed meanwhile: the gate is asked before every try.
            var decision = await gate.CheckAsync(message.Contact, Channels.Email, message.Purpose, cancellationToken);
            if (decision.Clearance is not { } clearance)
            {
                recorder.Transition(message, MessageStatuses.Blocked, decision.Reason, decision.Cause);
                LogBlocked(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), decision.Reason!);
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            var now = time.GetUtcNow();
            if (waiting is not null)
            {
                waiting.ResolveAfter = null; // the pause is over: this try takes its place
            }

            message.Attempts++;
            message.Provider = SmtpMailer.ProviderName;
            message.UpdatedAt = now;
            var sendAttempt = new SendAttempt
            {
                MessageId = message.MessageId,
                Number = message.Attempts,
                StartedAt = now,
                ResolveAfter = now + options.Value.Resolution.InFlightGrace,
            };
            db.SendAttempts.Add(sendAttempt);
            recorder.CallFollows();
            await db.SaveChangesAsync(cancellationToken);

            var result = await mailer.SendAsync(new EmailSendRequest(clearance, mail), cancellationToken);
            sendAttempt.FinishedAt = time.GetUtcNow();
            sendAttempt.ResolveAfter = null;
            (sendAttempt.Outcome, sendAttempt.Reason) = result switch
            {
                EmailSendResult.Sent => ("sent", null),
                EmailSendResult.Rejected rejected => ("rejected", rejected.Reason),
                EmailSendResult.NotSent notSent => ("not-sent", notSent.Reason),
                EmailSendResult.Unknown unknown => ("unknown", unknown.Reason),
                _ => ("unknown", null),
            };
            switch (result)
            {
                case EmailSendResult.Sent:
                    message.ProviderMessageId = mail.MessageId;
                    message.AcceptedAt = time.GetUtcNow();
                    recorder.Transition(message, MessageStatuses.Sent);
                    LogSent(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), message.Attempts);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                case EmailSendResult.Rejected rejected:
                    recorder.Transition(message, MessageStatuses.FailedPermanent, rejected.Reason);
                    LogRejected(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), rejected.Code);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                case EmailSendResult.Unknown unknown:
                    recorder.Transition(message, MessageStatuses.FailedTemporary,
                        $"{unknown.Reason}; the relay may have it, so it is not sent again (at most one mail, never two)",
                        StatusCauses.OutcomeUnknown);
                    LogUnknown(logger, message.MessageId, unknown.Reason);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                case EmailSendResult.NotSent notSent:
                    last = notSent;

                    // Kept open over the pause: a gateway killed before the next try leaves the resolver something to end.
                    if (attempt < delays.Count)
                    {
                        sendAttempt.ResolveAfter = time.GetUtcNow() + delays[attempt] + options.Value.Resolution.InFlightGrace;
                        waiting = sendAttempt;
                    }

                    LogNotSent(logger, message.MessageId, message.Attempts, notSent.Reason);
                    break;
            }
        }

        recorder.Transition(message, MessageStatuses.FailedTemporary, $"the relay did not take it in {message.Attempts} tries; last: {last!.Reason}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Waits before the next try, with the last refusal on the message meanwhile. A gateway stopping now knows the mail
    /// did not go: it says so rather than leave the message queued for a repeat of the command that would be dropped.
    /// </summary>
    private async Task<bool> PauseAsync(OutgoingMessage message, TimeSpan delay, EmailSendResult.NotSent last, CancellationToken cancellationToken)
    {
        message.Reason = $"try {message.Attempts} not taken ({last.Reason}); next try in {delay.TotalSeconds:0.#} s";
        message.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await Task.Delay(delay, time, cancellationToken);

            // The gate reads the projection with Find, which answers from this context's cache: forget what the last
            // check loaded, so a revocation that arrived during the pause is seen.
            foreach (var entry in db.ChangeTracker.Entries<ConsentState>().Where(e => e.State == EntityState.Unchanged).ToList())
            {
                entry.State = EntityState.Detached;
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            recorder.Transition(message, MessageStatuses.FailedTemporary,
                $"the gateway stopped while waiting to try again; not sent (last: {last.Reason})");
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} to {Email} sent to the relay (try {Attempt})")]
    private static partial void LogSent(ILogger logger, Guid messageId, string email, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {MessageId} to {Email} blocked: {Reason}")]
    private static partial void LogBlocked(ILogger logger, Guid messageId, string email, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} to {Email} refused by the relay for good (SMTP {Code})")]
    private static partial void LogRejected(ILogger logger, Guid messageId, string email, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId}: try {Attempt} not taken ({Reason}); trying again")]
    private static partial void LogNotSent(ILogger logger, Guid messageId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId}: outcome unknown ({Reason}); not resent")]
    private static partial void LogUnknown(ILogger logger, Guid messageId, string reason);
}
