using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Attempts;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// Settles the mails of a gateway that stopped during a call to the SMTP relay: the message and its try were committed
/// as queued, the answer never came, and a redelivered command is dropped as a repeat. A try still open after
/// <see cref="EmailResolutionOptions.InFlightGrace"/> ends its message failed-temporary: a relay cannot be asked whether
/// it took a mail, so it is never sent again (at most one mail, never two).
/// The claiming loop, shared by every gateway, is <see cref="OpenAttemptResolver"/>.
/// </summary>
public sealed partial class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : OpenAttemptResolver(scopes, time, logger)
{
    public const string Reason =
        "the gateway stopped during the call to the SMTP relay, which cannot be asked whether it took the message; not sent again (at most one mail, never two)";

    public const string BetweenTriesReason =
        "the gateway stopped while waiting to try again; the last try surely did not reach the relay, so nothing was sent";

    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override async Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<EmailDbContext>();
        var recorder = services.GetRequiredService<DeliveryRecorder>();
        var attempt = await db.SendAttempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        attempt.ResolveAfter = null;

        // An answer recorded meanwhile, a later attempt, or a final status: nothing left to settle.
        var superseded = await db.SendAttempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (superseded || message.Status != MessageStatuses.Queued || attempt.Outcome is not (null or "not-sent"))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (attempt.Outcome == "not-sent")
        {
            // Stopped in the pause after a try the relay surely did not take: nothing went, and the mail is not kept.
            recorder.Transition(message, MessageStatuses.FailedTemporary, BetweenTriesReason);
            LogStoppedBetweenTries(Logger, message.MessageId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        attempt.Outcome = "abandoned";
        attempt.FinishedAt = Time.GetUtcNow();
        attempt.Reason = Reason;
        recorder.Transition(message, MessageStatuses.FailedTemporary, Reason, StatusCauses.OutcomeUnknown);
        LogAbandoned(Logger, message.MessageId);
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} failed-temporary: the gateway stopped between two tries; nothing was sent")]
    private static partial void LogStoppedBetweenTries(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} failed-temporary: the gateway stopped during the call; not sent again")]
    private static partial void LogAbandoned(ILogger logger, Guid messageId);
}
