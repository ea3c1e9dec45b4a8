using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// Degraded (HTTP 200: the service still works, the rest of its outbox flows) while rows are set aside, naming how
/// many, the oldest and its error: each is a message that has not gone out and will not without an operator.
/// </summary>
internal sealed class OutboxHealthCheck<TDbContext>(TDbContext db, IOptions<OutboxOptions> options) : IHealthCheck
    where TDbContext : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var max = options.Value.MaxAttempts;
        var setAside = db.OutboxMessages.AsNoTracking().Where(x => x.Attempts >= max);
        var count = await setAside.CountAsync(cancellationToken);
        if (count == 0)
        {
            return HealthCheckResult.Healthy("no message set aside");
        }

        var oldest = await setAside.OrderBy(x => x.Id).FirstAsync(cancellationToken);
        return HealthCheckResult.Degraded(
            $"{count} message(s) set aside after {max} failed publishes; the oldest, row {oldest.Id} ({oldest.MessageType}, written {oldest.CreatedAt:u}): {oldest.LastError}. " +
            "See docs/operations.md, \"Outbox rows set aside\"");
    }
}
