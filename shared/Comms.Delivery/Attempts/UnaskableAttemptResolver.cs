using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Delivery.Attempts;

/// <summary>What every gateway records of a provider call, whatever else its attempts carry.</summary>
public interface ISendAttempt
{
    long Id { get; }

    Guid MessageId { get; }

    /// <summary>1 for the message's first call, then 2, 3 …</summary>
    int Number { get; }

    DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Null while the call is open; then the gateway's own word for how it ended.</summary>
    string? Outcome { get; set; }

    string? Reason { get; set; }

    /// <summary>Set while the outcome is open: when the resolver may settle it.</summary>
    DateTimeOffset? ResolveAfter { get; set; }
}

/// <summary>
/// Settles the sends of a gateway whose provider cannot be asked whether it took a message (an SMTP relay, MAX's Bot
/// API), when the gateway stopped during a call or in the pause before the next try: the message and its attempt were
/// committed queued, the answer never came, and a redelivered command is dropped as a repeat.
/// <list type="bullet">
/// <item>An attempt still open after the grace ends its message failed-temporary, cause outcome-unknown: it is never
/// sent again (at most one message, never two).</item>
/// <item>A refused attempt kept open over the pause before the next try (<see cref="RefusedOutcome"/>) belongs to a
/// gateway that stopped in that pause: nothing went, so its message ends failed-temporary without a cause and a clinic's
/// next channel may be tried.</item>
/// </list>
/// An answer recorded meanwhile, a later attempt, or a final status leaves nothing to settle.
/// </summary>
public abstract partial class UnaskableAttemptResolver<TDbContext, TAttempt>(IServiceScopeFactory scopes, TimeProvider time, ILogger logger)
    : OpenAttemptResolver(scopes, time, logger)
    where TDbContext : GatewayDbContext
    where TAttempt : class, ISendAttempt
{
    /// <summary>The reason of a message whose call was interrupted.</summary>
    protected abstract string InterruptedReason { get; }

    /// <summary>The reason of a message whose gateway stopped between two tries.</summary>
    protected abstract string StoppedBetweenTriesReason { get; }

    /// <summary>The gateway's outcome of a try that surely sent nothing and is followed by another.</summary>
    protected abstract string RefusedOutcome { get; }

    /// <summary>The channel as the log names it ("Email", "MAX").</summary>
    protected abstract string Channel { get; }

    protected override async Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<TDbContext>();
        var recorder = services.GetRequiredService<DeliveryRecorder>();
        var attempts = db.Set<TAttempt>();
        var attempt = await attempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        attempt.ResolveAfter = null;

        var superseded = await attempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (superseded || message.Status != MessageStatuses.Queued || (attempt.Outcome is not null && attempt.Outcome != RefusedOutcome))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (attempt.Outcome == RefusedOutcome)
        {
            recorder.Transition(message, MessageStatuses.FailedTemporary, StoppedBetweenTriesReason);
            LogStoppedBetweenTries(Logger, Channel, message.MessageId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        attempt.Outcome = AbandonedOutcome;
        attempt.FinishedAt = Time.GetUtcNow();
        attempt.Reason = InterruptedReason;
        recorder.Transition(message, MessageStatuses.FailedTemporary, InterruptedReason, StatusCauses.OutcomeUnknown);
        LogAbandoned(Logger, Channel, message.MessageId);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The outcome of an attempt the resolver ended.</summary>
    public const string AbandonedOutcome = "abandoned";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} {MessageId} failed-temporary: the gateway stopped between two tries; nothing was sent")]
    private static partial void LogStoppedBetweenTries(ILogger logger, string channel, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Channel} {MessageId} failed-temporary: the gateway stopped during the call; not sent again")]
    private static partial void LogAbandoned(ILogger logger, string channel, Guid messageId);
}
