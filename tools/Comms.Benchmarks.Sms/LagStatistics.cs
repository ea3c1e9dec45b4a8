namespace Comms.Benchmarks.Sms;

/// <summary>Percentiles of a set of latencies (nearest rank), in seconds.</summary>
public sealed record LagStatistics(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LagStatistics? Of(IEnumerable<TimeSpan> lags)
    {
        var sorted = lags.Select(l => l.TotalSeconds).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        double At(double percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LagStatistics(sorted.Length, At(50), At(95), At(99), sorted[^1], sorted.Average());
    }
}
