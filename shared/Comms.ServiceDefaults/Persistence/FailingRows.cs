using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// The rows of a polling loop (due reminders, due feedback requests) whose own handling failed — not the database's
/// absence, which fails every row alike: each rests out of the next passes for a while (30 s, doubling up to 10 min),
/// so that one that fails every time holds back none of the others, and is tried again after its rest. Kept per
/// process (a restart tries each at once), counted on <c>comms.due.failed</c> and named in <c>/health/ready</c>.
/// </summary>
public sealed class FailingRows<TKey>(string work, TimeProvider time, CommsMetrics metrics)
    where TKey : notnull
{
    public static readonly TimeSpan FirstRest = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestRest = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<TKey, FailingRow<TKey>> _rows = new();

    /// <summary>What the rows are, in the words of <c>/health/ready</c>: "reminder", "feedback request".</summary>
    public string Work => work;

    /// <summary>The rows to leave out of the next pass: those still resting.</summary>
    public TKey[] Resting()
    {
        var now = time.GetUtcNow();
        return [.. _rows.Values.Where(r => r.NextTry > now).Select(r => r.Key)];
    }

    public void Failed(TKey key, Exception exception)
    {
        var now = time.GetUtcNow();
        _rows.AddOrUpdate(key,
            _ => new FailingRow<TKey>(key, 1, Describe(exception), now, now + FirstRest),
            (_, row) =>
            {
                var rest = TimeSpan.FromTicks(Math.Min(LongestRest.Ticks, FirstRest.Ticks << Math.Min(row.Failures, 20)));
                return row with { Failures = row.Failures + 1, LastError = Describe(exception), NextTry = now + rest };
            });
        metrics.DueWorkFailed.Add(1, new KeyValuePair<string, object?>("work", work));
    }

    public void Succeeded(TKey key) => _rows.TryRemove(key, out _);

    public IReadOnlyList<FailingRow<TKey>> Snapshot() => [.. _rows.Values.OrderBy(r => r.FirstFailedAt)];

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";
}

public sealed record FailingRow<TKey>(TKey Key, int Failures, string LastError, DateTimeOffset FirstFailedAt, DateTimeOffset NextTry);

/// <summary>Degraded (HTTP 200: the other rows go on) while any row fails on its own, naming how many and the oldest.</summary>
internal sealed class FailingRowsHealthCheck<TKey>(FailingRows<TKey> rows) : IHealthCheck
    where TKey : notnull
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = rows.Snapshot();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy($"no {rows.Work} failing")
            : HealthCheckResult.Degraded(
                $"{failing.Count} {rows.Work}(s) fail on their own and wait, the others go on; the oldest, {failing[0].Key}, " +
                $"failed {failing[0].Failures} time(s) since {failing[0].FirstFailedAt:u}, next try {failing[0].NextTry:u}: {failing[0].LastError}"));
    }
}

public static class FailingRowsExtensions
{
    /// <summary>A <see cref="FailingRows{TKey}"/> for the service's polling loop, with its readiness entry <paramref name="healthCheck"/>.</summary>
    public static IServiceCollection AddFailingRows<TKey>(this IServiceCollection services, string work, string healthCheck)
        where TKey : notnull
    {
        services.AddSingleton(provider => new FailingRows<TKey>(work, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<CommsMetrics>()));
        services.AddHealthChecks().AddCheck<FailingRowsHealthCheck<TKey>>(healthCheck, tags: [ServiceDefaultsExtensions.ReadyTag]);
        return services;
    }
}
