using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Attempts;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>
/// Settles the sends of a gateway that stopped during a call to the Bot API: an attempt still open after
/// <see cref="MaxResolutionOptions.InFlightGrace"/> ends its message failed-temporary, cause outcome-unknown. MAX cannot
/// be asked whether it took a message, so it is never sent again (at most one message, never two). A refused attempt
/// kept open over the pause before the next try (<see cref="MaxDispatcher"/>) belongs to a gateway that stopped in that
/// pause: nothing went, so its message ends failed-temporary without a cause and a clinic's next channel may be tried.
/// </summary>
public sealed partial class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<MaxOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : OpenAttemptResolver(scopes, time, logger)
{
    public const string Reason =
        "the gateway stopped during the call to MAX's Bot API, which cannot be asked whether it took the message; not sent again (at most one message, never two)";

    public const string BetweenTriesReason =
        "the gateway stopped while waiting to try again after MAX refused the message (rate limit, or unreachable); MAX did not take it, so nothing was sent";

    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override async Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<MaxDbContext>();
        var recorder = services.GetRequiredService<DeliveryRecorder>();
        var attempt = await db.SendAttempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        attempt.ResolveAfter = null;

        // An answer recorded meanwhile, a later attempt, or a final status: nothing left to settle.
        var superseded = await db.SendAttempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (superseded || message.Status != MessageStatuses.Queued || attempt.Outcome is not (null or "refused"))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (attempt.Outcome == "refused")
        {
            // Stopped in the pause after a refusal that surely sent nothing (429, MAX unreachable): nothing went.
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAX {MessageId} failed-temporary: the gateway stopped between two attempts; nothing was sent")]
    private static partial void LogStoppedBetweenTries(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MAX {MessageId} failed-temporary: the gateway stopped during the call; not sent again")]
    private static partial void LogAbandoned(ILogger logger, Guid messageId);
}
