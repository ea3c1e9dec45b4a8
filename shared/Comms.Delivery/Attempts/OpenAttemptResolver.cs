using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Comms.Delivery.Attempts;

/// <summary>
/// The loop every gateway runs over its <c>send_attempts</c> table: a provider call is recorded as an attempt before it
/// is made, with a <c>ResolveAfter</c> time while its outcome is open. Every <see cref="Interval"/> this claims the due
/// ones a batch at a time — <c>FOR UPDATE SKIP LOCKED</c> plus a lease, so replicas share the work and never take the
/// same attempt — and hands each to <see cref="SettleAsync"/> in a scope of its own. What "settle" means is the gateway's:
/// look the message up at a provider that can be asked, or end it failed-temporary where none can.
/// </summary>
public abstract partial class OpenAttemptResolver(IServiceScopeFactory scopes, TimeProvider time, ILogger logger) : BackgroundService
{
    public const int BatchSize = 20;

    /// <summary>A claimed attempt is not looked at by another replica for this long.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected TimeProvider Time => time;

    protected ILogger Logger => logger;

    /// <summary>How long to wait between two passes when nothing more is due.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Settles one claimed attempt; everything it changes is committed by it.</summary>
    protected abstract Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken);

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
                LogFailed(logger, ex, GetType().Name);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken);
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
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
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
            await SettleAsync(scope.ServiceProvider, id, cancellationToken);
        }

        return claimed.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resolver}: settling open send attempts failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception, string resolver);
}
