using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// Makes each running journey's batch for the day (every <c>Audience:Campaigns:JourneyInterval</c>): the first pass of
/// a day in the journey's clinic zone, while the day's send window is still open, makes it; a later pass, or another
/// replica, finds it made (one batch per journey and day, a unique index). The dispatcher then sends it as any campaign.
/// </summary>
public sealed partial class JourneyRunner(
    IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<CampaignOptions> options, ILogger<JourneyRunner> logger)
{
    /// <summary>The audit log's actor for what Comms does under a person's approval.</summary>
    public const string Actor = "Comms";

    /// <summary>Passes until the service stops (<see cref="CampaignBackground"/>).</summary>
    public async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.JourneyInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass: today's batch of every running journey that has none yet. Returns how many were made.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> journeys;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
            journeys = await db.Campaigns.AsNoTracking()
                .Where(c => c.Kind == CampaignKinds.Journey && c.Status == CampaignStatuses.Running).Select(c => c.Id).ToListAsync(cancellationToken);
        }

        var made = 0;
        foreach (var journey in journeys)
        {
            await using var scope = scopes.CreateAsyncScope();
            var lifecycle = scope.ServiceProvider.GetRequiredService<CampaignLifecycle>();
            try
            {
                if (await lifecycle.MakeBatchAsync(journey, time.GetUtcNow(), cancellationToken) is { } batch)
                {
                    made++;
                    LogBatchMade(logger, journey, batch);
                }
            }
            catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                // Another replica made the day's batch first: it stands.
            }
        }

        return made;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Journey {JourneyId}: the day's batch {BatchId} made")]
    private static partial void LogBatchMade(ILogger logger, Guid journeyId, Guid batchId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass of the journey runner failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}

/// <summary>The campaigns' background work: the dispatcher's passes, the journey runner's and the waitlist's, side by side.</summary>
public sealed class CampaignBackground(CampaignDispatcher dispatcher, JourneyRunner journeys, Waitlist.WaitlistRunner waitlist) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(dispatcher.LoopAsync(stoppingToken), journeys.LoopAsync(stoppingToken), waitlist.LoopAsync(stoppingToken));
}
