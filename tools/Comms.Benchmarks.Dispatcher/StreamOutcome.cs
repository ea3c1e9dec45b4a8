namespace Comms.Benchmarks.Dispatcher;

/// <summary>Lag of the sends that came due in one slice of the measured period.</summary>
public sealed record LagSlice(TimeSpan From, TimeSpan To, LagStatistics? ToProbe);

/// <summary>
/// What happened to the measured sends: which ComposeMessages arrived (once, twice, never), the lag from due time
/// to dispatch (<c>DispatchedAt</c>) and to arrival at the probe, the dispatch rate and the passes it took.
/// </summary>
public sealed class StreamOutcome
{
    public required int Measured { get; init; }

    public required int Received { get; init; }

    public required IReadOnlyList<Guid> Missing { get; init; }

    /// <summary>Measured sends whose ComposeMessage arrived more than once, with the number of copies.</summary>
    public required IReadOnlyDictionary<Guid, int> Duplicated { get; init; }

    /// <summary>ComposeMessages for sends that were not measured (a far-future send went out: it must not).</summary>
    public required int Unexpected { get; init; }

    public required IReadOnlyDictionary<string, int> Statuses { get; init; }

    public required LagStatistics? ToDispatch { get; init; }

    public required LagStatistics? ToProbe { get; init; }

    public required IReadOnlyList<LagSlice> Slices { get; init; }

    /// <summary>Sends marked dispatched per second, from the first due time to the last <c>DispatchedAt</c>.</summary>
    public required double DispatchRate { get; init; }

    /// <summary>ComposeMessages received per second, from the first due time to the last arrival.</summary>
    public required double ProbeRate { get; init; }

    /// <summary>Dispatcher passes that dispatched measured sends (distinct <c>DispatchedAt</c>).</summary>
    public required int Passes { get; init; }

    public required int FullPasses { get; init; }

    public required int LargestPass { get; init; }

    public bool Complete => Missing.Count == 0 && Duplicated.Count == 0;

    public static StreamOutcome Analyze(StreamPlan plan, IReadOnlyList<Arrival> arrivals, IReadOnlyList<StreamSendRow> rows, int batchSize, int slices)
    {
        var first = new DateTimeOffset?[plan.Count];
        var copies = new int[plan.Count];
        var unexpected = 0;
        var lastArrival = plan.FirstDue;
        foreach (var arrival in arrivals)
        {
            if (!plan.TryIndexOf(arrival.MessageId, out var i))
            {
                unexpected++;
                continue;
            }

            copies[i]++;
            first[i] ??= arrival.At;
            if (arrival.At > lastArrival)
            {
                lastArrival = arrival.At;
            }
        }

        var probeLags = Enumerable.Range(0, plan.Count).Where(i => first[i] is not null).Select(i => first[i]!.Value - plan.Due[i]).ToList();
        var dispatched = rows.Where(r => r.DispatchedAt is not null).ToList();
        var lastDispatch = dispatched.Count == 0 ? plan.FirstDue : dispatched.Max(r => r.DispatchedAt!.Value);
        var passes = dispatched.GroupBy(r => r.DispatchedAt).Select(g => g.Count()).ToList();

        return new StreamOutcome
        {
            Measured = plan.Count,
            Received = probeLags.Count,
            Missing = [.. Enumerable.Range(0, plan.Count).Where(i => copies[i] == 0).Select(i => plan.Ids[i])],
            Duplicated = Enumerable.Range(0, plan.Count).Where(i => copies[i] > 1).ToDictionary(i => plan.Ids[i], i => copies[i]),
            Unexpected = unexpected,
            Statuses = rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()),
            ToDispatch = LagStatistics.Of(dispatched.Select(r => r.DispatchedAt!.Value - r.DueAt)),
            ToProbe = LagStatistics.Of(probeLags),
            Slices = Slice(plan, first, slices),
            DispatchRate = Rate(dispatched.Count, lastDispatch - plan.FirstDue),
            ProbeRate = Rate(probeLags.Count, lastArrival - plan.FirstDue),
            Passes = passes.Count,
            FullPasses = passes.Count(p => p >= batchSize),
            LargestPass = passes.DefaultIfEmpty().Max(),
        };
    }

    /// <summary>Lag to the probe by when the sends came due: it must stay flat, not climb as the run goes on.</summary>
    private static List<LagSlice> Slice(StreamPlan plan, DateTimeOffset?[] first, int slices)
    {
        var span = plan.LastDue - plan.FirstDue;
        if (span <= TimeSpan.Zero || slices < 2)
        {
            return [];
        }

        var width = span / slices;
        return [.. Enumerable.Range(0, slices).Select(s =>
        {
            var from = width * s;
            var to = s == slices - 1 ? span : width * (s + 1);
            var lags = Enumerable.Range(0, plan.Count)
                .Where(i => plan.Due[i] - plan.FirstDue >= from && (plan.Due[i] - plan.FirstDue < to || (s == slices - 1 && plan.Due[i] - plan.FirstDue == to)))
                .Where(i => first[i] is not null)
                .Select(i => first[i]!.Value - plan.Due[i]);
            return new LagSlice(from, to, LagStatistics.Of(lags));
        })];
    }

    private static double Rate(int count, TimeSpan span) => span > TimeSpan.Zero ? count / span.TotalSeconds : double.NaN;
}
