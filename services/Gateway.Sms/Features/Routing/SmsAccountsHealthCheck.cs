using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>
/// Degraded (still HTTP 200, so the pod stays in service: the other accounts send, and a route with none left holds its
/// messages) while any account is degraded or out of money, naming each account and why, never its secrets. An
/// account out of money stays named until a message is accepted on it again, also after its cooldown ended.
/// </summary>
public sealed class SmsAccountsHealthCheck(SmsAccounts accounts, ProviderHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = accounts.Names.Select(health.Evaluate)
            .Where(h => h.Degraded || h.AccountProblem is not null)
            .Select(h => $"{h.Account}: {h.AccountProblem?.Describe() ?? h.Reason}")
            .ToList();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"{accounts.Names.Count} SMS account(s) healthy")
            : HealthCheckResult.Degraded(string.Join("; ", problems)));
    }
}
