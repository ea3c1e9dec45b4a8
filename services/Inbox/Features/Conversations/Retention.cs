using Comms.Inbox.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Inbox.Features.Conversations;

/// <summary>Removes what patients and staff wrote once it is older than <c>Inbox:RetentionDays</c> (the entries and notes themselves).</summary>
public sealed partial class Retention(IServiceScopeFactory scopes, IOptionsMonitor<InboxOptions> options, TimeProvider time, ILogger<Retention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(options.CurrentValue.RetentionInterval, time, stoppingToken);
        }
    }

    /// <summary>One pass: returns how many entries and notes it removed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InboxDbContext>();
        var before = time.GetUtcNow().AddDays(-options.CurrentValue.RetentionDays);
        var entries = await db.Entries.Where(e => e.At < before).ExecuteDeleteAsync(cancellationToken);
        var notes = await db.Notes.Where(n => n.At < before).ExecuteDeleteAsync(cancellationToken);
        if (entries + notes > 0)
        {
            LogRemoved(logger, entries, notes);
        }

        return entries + notes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbox retention: {Entries} messages and {Notes} notes past their time removed")]
    private static partial void LogRemoved(ILogger logger, int entries, int notes);

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass of the inbox's retention failed; the next one tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
