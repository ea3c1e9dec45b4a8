using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Waitlist;

/// <summary>
/// Moves on the open slots whose time has come (a group's offers expired, the send window opened, nobody yet to offer
/// it to). Slots are claimed with <c>FOR UPDATE SKIP LOCKED</c>: replicas share them, and an answer being weighed
/// holds its slot, so the runner never advances a slot a «1» is claiming.
/// </summary>
public sealed partial class WaitlistRunner(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<WaitlistOptions> options,
    ILogger<WaitlistRunner> logger)
{
    private const int BatchSize = 100;

    public async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }

            if (handled < BatchSize)
            {
                await Task.Delay(options.CurrentValue.Interval, time, stoppingToken);
            }
        }
    }

    /// <summary>One pass; returns how many slots it moved on.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
        var offers = scope.ServiceProvider.GetRequiredService<WaitlistOffers>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.WaitlistSlots.FromSql($"""
                SELECT * FROM waitlist_slots
                WHERE "Status" = 'open' AND "NextAt" <= {now}
                ORDER BY "NextAt"
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        foreach (var slot in due)
        {
            await offers.AdvanceAsync(slot, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass of the waitlist runner failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
