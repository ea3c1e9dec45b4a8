using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>Degraded (still HTTP 200, so the pod stays in service) while any account is degraded, naming them.</summary>
public sealed class SmsAccountsHealthCheck(SmsAccounts accounts, ProviderHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var degraded = accounts.Names.Select(health.Evaluate).Where(h => h.Degraded).ToList();
        return Task.FromResult(degraded.Count == 0
            ? HealthCheckResult.Healthy($"{accounts.Names.Count} SMS account(s) healthy")
            : HealthCheckResult.Degraded(string.Join("; ", degraded.Select(d => $"{d.Account}: {d.Reason}"))));
    }
}
