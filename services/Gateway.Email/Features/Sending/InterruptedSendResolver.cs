using Comms.Contracts;
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
/// Replicas share the work: each claims a few tries at a time with <c>FOR UPDATE SKIP LOCKED</c> and a lease.
/// </summary>
public sealed partial class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : BackgroundService
{
    public const string Reason =
        "the gateway stopped during the call to the SMTP relay, which cannot be asked whether it took the message; not sent again (at most one mail, never two)";

    private const int BatchSize = 20;

    /// <summary>A claimed attempt is not looked at by another replica for this long.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ResolveDueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.Resolution.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims and settles the attempts that are due; returns how many it claimed.</summary>
    public async Task<int> ResolveDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<long> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EmailDbContext>();
            claimed = await db.Database.SqlQuery<long>($"""
                UPDATE send_attempts SET "ResolveAfter" = {now + Lease}
                WHERE "Id" IN (SELECT "Id" FROM send_attempts WHERE "ResolveAfter" <= {now}
                               ORDER BY "ResolveAfter" LIMIT {BatchSize} FOR UPDATE SKIP LOCKED)
                RETURNING "Id"
                """).ToListAsync(cancellationToken);
        }

        foreach (var id in claimed)
        {
            await using var scope = scopes.CreateAsyncScope();
            await ResolveAsync(scope.ServiceProvider, id, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task ResolveAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<EmailDbContext>();
        var recorder = services.GetRequiredService<DeliveryRecorder>();
        var attempt = await db.SendAttempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        attempt.ResolveAfter = null;

        // An answer recorded meanwhile, a later attempt, or a final status: nothing left to settle.
        var superseded = await db.SendAttempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (attempt.Outcome is not null || superseded || message.Status != MessageStatuses.Queued)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        attempt.Outcome = "abandoned";
        attempt.FinishedAt = time.GetUtcNow();
        attempt.Reason = Reason;
        recorder.Transition(message, MessageStatuses.FailedTemporary, Reason);
        LogAbandoned(logger, message.MessageId);
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {MessageId} failed-temporary: the gateway stopped during the call; not sent again")]
    private static partial void LogAbandoned(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resolving open email tries failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
