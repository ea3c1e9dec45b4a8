using Comms.Contracts;
using Comms.Gateway.Sms.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>
/// The quiet failure GOV.UK Notify watches for: a provider that takes messages but never delivers them. Every
/// <see cref="SmsFailoverOptions.ReceiptCheckInterval"/>, for each account, the messages it accepted between
/// <see cref="SmsFailoverOptions.ReceiptLookback"/> and <see cref="SmsFailoverOptions.ReceiptOverdueAfter"/> ago are
/// counted; when too many of them still have no final receipt, the account is degraded until receipts come back or
/// the overdue ones age out of the lookback. The numbers come from the shared database, so every replica agrees.
/// </summary>
public sealed partial class ReceiptWatch(
    IServiceScopeFactory scopes,
    SmsAccounts accounts,
    ProviderHealth health,
    IOptions<SmsOptions> options,
    TimeProvider time,
    ILogger<ReceiptWatch> logger) : BackgroundService
{
    private static readonly string[] WithoutReceipt = [MessageStatuses.Accepted, MessageStatuses.Sent];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.Failover.ReceiptCheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Failover;
        var now = time.GetUtcNow();
        var from = now - settings.ReceiptLookback;
        var to = now - settings.ReceiptOverdueAfter;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SmsDbContext>();
        var counts = await db.Messages.AsNoTracking()
            .Where(m => m.Channel == Channels.Sms && m.AcceptedAt >= from && m.AcceptedAt <= to && m.Provider != null)
            .GroupBy(m => m.Provider!)
            .Select(g => new { Account = g.Key, Total = g.Count(), Overdue = g.Count(m => WithoutReceipt.Contains(m.Status)) })
            .ToListAsync(cancellationToken);
        foreach (var account in accounts.Names)
        {
            var count = counts.FirstOrDefault(c => c.Account == account);
            var problem = count is not null && count.Total >= settings.MinimumReceiptSample
                && (double)count.Overdue / count.Total >= settings.ReceiptOverdueThreshold
                ? $"{count.Overdue} of {count.Total} messages accepted {settings.ReceiptOverdueAfter.TotalMinutes:0.#}+ minutes ago have no receipt"
                : null;
            health.SetReceiptProblem(account, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking SMS receipts failed; trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
