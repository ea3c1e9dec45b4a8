using System.Globalization;
using System.Text;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>Everything one run measured, printed as Markdown tables (readable in a terminal, pasteable into docs).</summary>
public sealed class BenchmarkResult
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public required BenchmarkSettings Settings { get; init; }

    public required string Machine { get; init; }

    public required SeedResult PendingSeed { get; init; }

    public required TimeSpan Vacuum { get; init; }

    public required SeedResult StreamSeed { get; init; }

    public required StreamOutcome Outcome { get; init; }

    /// <summary>Far-future sends by status afterwards: all of them must still be pending.</summary>
    public required IReadOnlyDictionary<string, long> Background { get; init; }

    public required CpuUsage? Cpu { get; init; }

    public required IReadOnlyDictionary<string, TableActivity> Activity { get; init; }

    public required IReadOnlyList<QueryPlan> Plans { get; init; }

    public string ToMarkdown()
    {
        var s = Settings;
        var o = Outcome;
        var text = new StringBuilder();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        Row(text, "machine", Machine);
        Row(text, "pending sends", $"{N(s.Pending)}: {N(s.Background)} due in 30–395 days ({N(PendingSeed.Appointments)} appointments) + {N(s.Measured)} measured");
        Row(text, "seed (binary COPY)", $"{N(PendingSeed.Sends)} sends + {N(PendingSeed.Appointments)} appointments in {Sec(PendingSeed.Elapsed)} " +
            $"({N(PendingSeed.Sends / PendingSeed.Elapsed.TotalSeconds)} sends/s); VACUUM ANALYZE {Sec(Vacuum)}; " +
            $"measured stream {N(StreamSeed.Sends)} sends + appointments in {Sec(StreamSeed.Elapsed)}");
        Row(text, "stream", s.Burst
            ? $"{N(s.Measured)} sends all due at the same moment (burst: top speed)"
            : $"{N(s.Measured)} sends due at {N(s.Rate)}/s over {N(s.Seconds)} s, evenly spread");
        Row(text, "dispatcher", $"Reminders:DispatchBatchSize {N(s.BatchSize)}, Reminders:DispatchInterval {N(s.Interval.TotalMilliseconds)} ms" +
            (s.ServiceSettings.Count == 0 ? "" : "; " + string.Join(", ", s.ServiceSettings.Select(kv => $"{kv.Key}={kv.Value}"))));
        Row(text, "dispatched (DispatchedAt)", $"{N(o.Statuses.GetValueOrDefault("dispatched"))} of {N(o.Measured)} at {N(o.DispatchRate)}/s " +
            $"(first due → last dispatched); {N(o.Passes)} passes, {N(o.FullPasses)} with a full batch, largest {N(o.LargestPass)}" +
            OtherStatuses());
        Row(text, "ComposeMessage at the probe", $"{N(o.Received)} of {N(o.Measured)} at {N(o.ProbeRate)}/s; missing {N(o.Missing.Count)}, " +
            $"duplicated {N(o.Duplicated.Count)}, not measured {N(o.Unexpected)}");
        Row(text, "far-future sends afterwards", Background.Count == 0
            ? "none planned"
            : string.Join(", ", Background.OrderByDescending(kv => kv.Value).Select(kv => $"{N(kv.Value)} {kv.Key}")));
        if (Cpu is { } cpu)
        {
            Row(text, "CPU while measuring (cores)", $"{F2(cpu.Machine)} of {Environment.ProcessorCount} over {Sec(cpu.Wall)}: Scheduling {F2(cpu.Service)}, " +
                $"PostgreSQL {F2(cpu.Postgres)}, RabbitMQ {F2(cpu.Rabbit)}, this tool {F2(cpu.Benchmark)}, other processes {F2(cpu.Others)}");
        }

        foreach (var (table, activity) in Activity.OrderBy(kv => kv.Key))
        {
            Row(text, $"{table} while measuring", $"{N(activity.SeqScans)} sequential scans reading {N(activity.SeqRowsRead)} rows; " +
                $"{N(activity.IndexScans)} index scans fetching {N(activity.IndexRowsFetched)} rows");
        }

        foreach (var plan in Plans)
        {
            Row(text, $"query: {plan.Query}", $"{plan.ExecutionMs.ToString("0.###", Invariant)} ms, {plan.Access} (EXPLAIN ANALYZE mid-stream, {N(s.Background)} pending)");
        }

        text.AppendLine();
        text.AppendLine("| lag (seconds) | p50 | p95 | p99 | max | mean |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        LagRow(text, "due → dispatched (DispatchedAt)", o.ToDispatch);
        LagRow(text, "due → ComposeMessage at the probe", o.ToProbe);
        if (o.Slices.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| due at (from the first) | p50 | p95 | p99 | max | mean |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var slice in o.Slices)
            {
                LagRow(text, $"{slice.From.TotalSeconds.ToString("0.#", Invariant)}–{slice.To.TotalSeconds.ToString("0.#", Invariant)} s", slice.ToProbe);
            }
        }

        return text.ToString();
    }

    /// <summary>The query plans in full, for whoever wants to see why.</summary>
    public string PlansText() => string.Join("\n\n", Plans.Select(p =>
        $"-- {p.Query}\n{string.Join('\n', p.Lines.Select(l => l.Length > 160 ? l[..157] + "..." : l))}"));

    private string OtherStatuses()
    {
        var others = Outcome.Statuses.Where(kv => kv.Key != "dispatched").ToList();
        return others.Count == 0 ? "" : "; not dispatched: " + string.Join(", ", others.Select(kv => $"{N(kv.Value)} {kv.Key}"));
    }

    private static void Row(StringBuilder text, string name, string value) => text.AppendLine($"| {name} | {value} |");

    private static void LagRow(StringBuilder text, string name, LagStatistics? lag) => text.AppendLine(lag is null
        ? $"| {name} | – | – | – | – | – |"
        : $"| {name} | {F3(lag.P50)} | {F3(lag.P95)} | {F3(lag.P99)} | {F3(lag.Max)} | {F3(lag.Mean)} |");

    private static string N(double value) => double.IsNaN(value) ? "–" : value.ToString("N0", Invariant);

    private static string F2(double value) => value.ToString("0.00", Invariant);

    private static string F3(double value) => value.ToString("0.000", Invariant);

    private static string Sec(TimeSpan span) => span.TotalSeconds.ToString("0.0", Invariant) + " s";
}
