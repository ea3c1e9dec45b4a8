using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Comms.Benchmarks.Audience;

/// <summary>Cores' worth of CPU over a phase: the machine, Audience, PostgreSQL, RabbitMQ, this tool, and the rest.</summary>
public sealed record CpuSplit(TimeSpan Wall, double Machine, double Audience, double Postgres, double Rabbit, double Tool)
{
    public double Others => Math.Max(0, Machine - Audience - Postgres - Rabbit - Tool);

    /// <summary>CPU seconds of the service over the phase.</summary>
    public double AudienceSeconds => Audience * Wall.TotalSeconds;

    public double PostgresSeconds => Postgres * Wall.TotalSeconds;

    /// <summary>From the shared /proc meter, whose "gateway" is the one service process it was given.</summary>
    public static CpuSplit? Since(CpuSnapshot? start, int audiencePid) =>
        start is null ? null : From(CpuSnapshot.Take().Since(start, audiencePid, null));

    private static CpuSplit From(CpuUsage usage) =>
        new(usage.Wall, usage.Machine, usage.Gateway, usage.Postgres, usage.Rabbit, usage.Benchmark);
}

public sealed record GenerationResult(SyntheticClinic Clinic, TimeSpan Generated, TimeSpan Written, long FileBytes);

public sealed record ImportResult(TimedAnswer Answer, int Rows, int Applied, int Rejected, IReadOnlyList<string> FirstRejections, CpuSplit? Cpu, MemoryUsage? Memory)
{
    public double RowsPerSecond => Rows / Answer.Elapsed.TotalSeconds;
}

/// <summary>The model answer's facts: what was fitted and on how many patients.</summary>
public sealed record ModelFacts(int Patients, int RepeatPatients, string BgNbd, string GammaGamma, string Lifetime, decimal VipLine)
{
    public static ModelFacts Of(JsonElement model)
    {
        static string Numbers(JsonElement fit, params string[] names) => fit.ValueKind == JsonValueKind.Null
            ? "not fitted"
            : string.Join(", ", names.Select(n => $"{n} {fit.GetProperty(n).GetDouble().ToString("G4", CultureInfo.InvariantCulture)}"));

        return new ModelFacts(
            model.GetProperty("patients").GetInt32(),
            model.GetProperty("repeatPatients").GetInt32(),
            Numbers(model.GetProperty("bgNbd"), "r", "alpha", "a", "b", "logLikelihood"),
            Numbers(model.GetProperty("gammaGamma"), "p", "q", "gamma"),
            $"{model.GetProperty("lifetimeYears").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)} years ({model.GetProperty("lifetimeSource").GetString()})",
            model.GetProperty("vipLtvLine").GetDecimal());
    }
}

public sealed record RefitResult(
    TimedAnswer Cold, ModelFacts Model, CpuSplit? Cpu, MemoryUsage? Memory, TimedAnswer WarmModel, TimedAnswer AtRiskPage, int AtRiskTotal,
    IReadOnlyDictionary<string, int> Segments);

public sealed record BaselineResult(SqlTiming Copy, TimeSpan Vacuum, SqlTiming Aggregate, LagStatistics? HealthLive);

public sealed record BulkEventsResult(int Visits, TimeSpan Published, long Consumed, TimeSpan? AllConsumed, CpuSplit? Cpu)
{
    public int Events => Visits * 2;

    /// <summary>Events applied per second, from the first publish to the last inbox record.</summary>
    public double ConsumeRate => AllConsumed is { } done ? Consumed / done.TotalSeconds : double.NaN;
}

/// <param name="Consumed">From the first publish of the pair until the visit is completed in the database.</param>
/// <param name="Read">The patient's GET right after: what the manager's screen waits for.</param>
public sealed record SampleResult(
    int Planned, int Taken, bool BudgetRanOut, LagStatistics? Consumed, LagStatistics? Read, LagStatistics? PublishToFigures,
    int RevenueMismatches, IReadOnlyList<string> Mismatches, CpuSplit? Cpu, MemoryUsage? Memory);

/// <summary>Everything one run measured, printed as Markdown tables (readable in a terminal, pasteable into docs).</summary>
public sealed class BenchmarkResult
{
    private const double TargetImportSeconds = 60;
    private const double TargetRefitSeconds = 60;
    private const double TargetUpdateP99Ms = 10;
    private const long TargetRssBytes = 400L * 1024 * 1024;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public required BenchmarkSettings Settings { get; init; }

    public required string Machine { get; init; }

    public required string Environment { get; init; }

    public required GenerationResult Generation { get; init; }

    public required ImportResult Import { get; init; }

    public required BaselineResult Baseline { get; init; }

    public required RefitResult Refit { get; init; }

    public required LagStatistics? WarmPatient { get; init; }

    public required BulkEventsResult Bulk { get; init; }

    public required SampleResult Samples { get; init; }

    public required TimedAnswer FinalModel { get; init; }

    public required long? FinalRssBytes { get; init; }

    public required CampaignResult Campaign { get; init; }

    /// <summary>The one line to quote: each figure beside its baseline from the same run.</summary>
    public string Headline() =>
        $"Audience: import {N(Import.Rows)} rows {Sec(Import.Answer.Elapsed)} ({N(Import.RowsPerSecond)}/s) | raw COPY {Sec(Baseline.Copy.Elapsed)} ({N(Baseline.Copy.RowsPerSecond)}/s); " +
        $"cold refit {N(Refit.Model.Patients)} patients {Sec(Refit.Cold.Elapsed)} | raw aggregate {Sec(Baseline.Aggregate.Elapsed)}; " +
        $"peak RSS {MiB(Refit.Memory?.PeakBytes)}; patient after event p99 {Ms(Samples.Read?.P99)} | /health/live p99 {Ms(Baseline.HealthLive?.P99)}; " +
        $"campaign to {N(Campaign.Audience)}: preview {Sec(Campaign.Previews[^1].Elapsed)} | consents read {Sec(Campaign.ConsentRead.Elapsed)}, " +
        $"launch {Sec(Campaign.Launch.Elapsed)} | raw COPY {Sec(Campaign.FreezeCopy.Elapsed)}";

    public string ToMarkdown()
    {
        var s = Settings;
        var g = Generation;
        var c = g.Clinic;
        var text = new StringBuilder();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        Row(text, "machine", Machine);
        Row(text, "service", $"Comms.Audience.dll, {Environment}; Audience:Watch:Interval 1 day (the watcher kept out of the measurements)" +
            (s.ServiceSettings.Count == 0 ? "" : "; " + string.Join(", ", s.ServiceSettings.Select(kv => $"{kv.Key}={kv.Value}"))));
        Row(text, "history", $"{N(c.Patients)} patients ({N(c.Kinds.Count(k => k == PatientKind.Regular))} regular every 30–120 days, " +
            $"{N(c.Kinds.Count(k => k == PatientKind.Occasional))} occasional, {N(c.Kinds.Count(k => k == PatientKind.OneTime))} one-time), " +
            $"{N(c.Rows.Length)} rows from {c.FirstDay:yyyy-MM-dd} to {c.LastDay:yyyy-MM-dd}: {N(c.CompletedRows)} completed, {N(c.Cancelled)} cancelled, " +
            $"{N(c.NoShows)} no-show; {N(c.RepeatPatients)} patients with two or more visit days; seed {s.Seed}");
        Row(text, "CSV", $"{MiB(g.FileBytes)} generated in {Sec(g.Generated)}, written in {Sec(g.Written)}");

        var i = Import;
        Row(text, "**import** (POST …/imports/visits)", $"**{N(i.Rows)} rows in {Sec(i.Answer.Elapsed)}: {N(i.RowsPerSecond)} rows/s**; " +
            $"applied {N(i.Applied)}, rejected {N(i.Rejected)}" + (i.FirstRejections.Count > 0 ? $" (first: {string.Join("; ", i.FirstRejections)})" : "") +
            Cpu(i.Cpu) + (i.Memory is { } im ? $"; service RSS peak {MiB(im.PeakBytes)}" : ""));
        Row(text, "**raw binary COPY** (same rows, bare unlogged table)", $"**{N(Baseline.Copy.Rows)} rows in {Sec(Baseline.Copy.Elapsed)}: {N(Baseline.Copy.RowsPerSecond)} rows/s** " +
            $"(the import takes {Ratio(i.Answer.Elapsed, Baseline.Copy.Elapsed)} as long)");
        Row(text, "VACUUM ANALYZE visits", Sec(Baseline.Vacuum) + " (after the import, before the refit; not part of either figure)");

        var r = Refit;
        Row(text, "**cold refit** (first GET …/model)", $"**{N(r.Model.Patients)} patients in {Sec(r.Cold.Elapsed)}**: read every history, BG/NBD and Gamma-Gamma fitted " +
            $"on {N(r.Model.RepeatPatients)} repeat patients, every patient scored" + Cpu(r.Cpu) +
            (r.Cpu is { } rc ? $"; Audience {F1(rc.AudienceSeconds)} CPU s, PostgreSQL {F1(rc.PostgresSeconds)} CPU s" : ""));
        Row(text, "**raw aggregate** (PostgreSQL, same rows)", $"**{N(Baseline.Aggregate.Rows)} patients in {Sec(Baseline.Aggregate.Elapsed)}** " +
            $"(count, first and last day, revenue of the completed visits per patient; the refit takes {Ratio(r.Cold.Elapsed, Baseline.Aggregate.Elapsed)} as long)");
        if (r.Memory is { } m)
        {
            Row(text, "**service RSS during the refit**", $"**peak {MiB(m.PeakBytes)}** (VmHWM reset at the start: {(m.KernelPeakBytes is null ? "not possible, sampled peak only" : MiB(m.KernelPeakBytes))}; " +
                $"sampled every {m.Every.TotalMilliseconds:0} ms: {MiB(m.PeakSampledBytes)} over {N(m.Samples)} samples); {MiB(m.StartBytes)} before, {MiB(m.EndBytes)} after");
        }

        Row(text, "model", $"BG/NBD {r.Model.BgNbd}; Gamma-Gamma {r.Model.GammaGamma}; lifetime {r.Model.Lifetime}; VIP line {r.Model.VipLine.ToString("N0", Invariant)} ₽");
        Row(text, "segments", string.Join(", ", r.Segments.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {N(kv.Value)}")));
        Row(text, "warm GET …/model", Ms(r.WarmModel.Elapsed));
        Row(text, "warm GET …/patients?segment=at_risk&pageSize=50", $"{Ms(r.AtRiskPage.Elapsed)} ({N(r.AtRiskTotal)} at risk in all)");

        var b = Bulk;
        Row(text, "**MIS events consumed**", $"**{N(b.Events)} events ({N(b.Visits)} booked + completed pairs, existing patients) at {N(b.ConsumeRate)} events/s** " +
            $"(first publish → last applied, {Sec(b.AllConsumed)}); published with confirms in {Sec(b.Published)}; {N(b.Consumed)} applied" + Cpu(b.Cpu));

        var p = Samples;
        Row(text, "**patient after an event**", $"{N(p.Taken)} of {N(p.Planned)} sampled patients: one more pair each, published alone; " +
            "as soon as the visit is completed in the database, GET …/patients/{id}?asOf=" + c.LastDay.ToString("yyyy-MM-dd", Invariant) +
            (p.BudgetRanOut ? $" (the --sample-budget of {Sec(s.SampleBudget)} ran out)" : "") +
            $"; revenue as expected in {N(p.Taken - p.RevenueMismatches)} of {N(p.Taken)}" + Cpu(p.Cpu) +
            (p.Memory is { } pm ? $"; service RSS peak {MiB(pm.PeakBytes)}" : ""));
        Row(text, "final GET …/model", $"{N(FinalModel.Json.GetProperty("patients").GetInt32())} patients, {Ms(FinalModel.Elapsed)}; service RSS at the end {MiB(FinalRssBytes)}");

        var k = Campaign;
        Row(text, "campaign: consents (setup)", $"{N(k.Consents.Rows)} marketing consents on SMS written into channel_consents by COPY in {Sec(k.Consents.Elapsed)}");
        Row(text, "campaign: the scoring as of today", $"{Sec(k.TodayScoring.Elapsed)} (the preview reads it; in production the watcher keeps it warm)");
        Row(text, "**campaign preview** (POST …/campaigns/{id}/preview, whole clinic)", $"**{string.Join(", ", k.Previews.Select(p => Sec(p.Elapsed)))}**: audience {N(k.Audience)}, " +
            $"{N(k.Recipients)} to send, {N(k.Holdout)} held out, {N(k.NoConsent)} without consent");
        Row(text, "**raw read of the audience's consents** (SQL alone)", $"**{N(k.ConsentRead.Rows)} rows in {Sec(k.ConsentRead.Elapsed)}** (the preview takes {Ratio(k.Previews[^1].Elapsed, k.ConsentRead.Elapsed)} as long)");
        Row(text, "**campaign launch** (approve, select, freeze every recipient with due time and consent record)", $"**{Sec(k.Launch.Elapsed)}**: {N(k.Frozen)} rows frozen, {N(k.Planned)} planned, the last due {k.LastDue:yyyy-MM-dd HH:mm} UTC");
        Row(text, "**raw binary COPY** (same number of rows of the recipients' width, bare unlogged table)", $"**{N(k.FreezeCopy.Rows)} rows in {Sec(k.FreezeCopy.Elapsed)}** (the launch takes {Ratio(k.Launch.Elapsed, k.FreezeCopy.Elapsed)} as long)");

        text.AppendLine();
        text.AppendLine("| latency (ms) | n | p50 | p95 | p99 | max | mean |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        LagRow(text, "**GET …/patients/{id} after its event** (visit applied → answer)", p.Read);
        LagRow(text, "publish → visit applied in the database", p.Consumed);
        LagRow(text, "publish → figures answered", p.PublishToFigures);
        LagRow(text, "GET …/patients/{id}, nothing changed since the scoring", WarmPatient);
        LagRow(text, "**GET /health/live** (baseline)", Baseline.HealthLive);

        text.AppendLine();
        text.AppendLine("| target | measured | |");
        text.AppendLine("|---|---|---|");
        Target(text, "import 1,000,000 visits ≤ 60 s", $"{N(i.Rows)} rows in {Sec(i.Answer.Elapsed)}", i.Answer.Elapsed.TotalSeconds <= TargetImportSeconds, i.Rows >= 1_000_000);
        Target(text, "refit and rescoring of 200,000 patients ≤ 60 s", $"{N(r.Model.Patients)} in {Sec(r.Cold.Elapsed)}", r.Cold.Elapsed.TotalSeconds <= TargetRefitSeconds, r.Model.Patients >= 200_000);
        Target(text, "a patient's update after an event ≤ 10 ms at p99", $"p99 {Ms(p.Read?.P99)} (GET after the visit applied)", p.Read is { } read && read.P99 * 1000 <= TargetUpdateP99Ms, true);
        Target(text, "a campaign's preview to 200,000 recipients ≤ 10 s", $"{N(k.Audience)} in {Sec(k.Previews[^1].Elapsed)}", k.Previews[^1].Elapsed.TotalSeconds <= 10, k.Audience >= 200_000);
        Target(text, "launch → every message scheduled ≤ 60 s", $"{N(k.Planned)} scheduled in {Sec(k.Launch.Elapsed)}", k.Launch.Elapsed.TotalSeconds <= 60, k.Audience >= 200_000);
        Target(text, "≤ 400 MiB RSS during a refit", $"peak {MiB(r.Memory?.PeakBytes)}", r.Memory is { } rm && rm.PeakBytes <= TargetRssBytes, r.Model.Patients >= 200_000);
        return text.ToString();
    }

    private static void Target(StringBuilder text, string target, string measured, bool met, bool fullSize) =>
        text.AppendLine($"| {target} | {measured} | {(met ? "met" : "**not met**")}{(fullSize ? "" : " (smaller run)")} |");

    private static void Row(StringBuilder text, string name, string value) => text.AppendLine($"| {name} | {value} |");

    private static void LagRow(StringBuilder text, string name, LagStatistics? lag) => text.AppendLine(lag is null
        ? $"| {name} | 0 | – | – | – | – | – |"
        : $"| {name} | {N(lag.Count)} | {F1(lag.P50 * 1000)} | {F1(lag.P95 * 1000)} | {F1(lag.P99 * 1000)} | {F1(lag.Max * 1000)} | {F1(lag.Mean * 1000)} |");

    private static string Cpu(CpuSplit? cpu) => cpu is null ? "" :
        $"; CPU {F2(cpu.Machine)} of {System.Environment.ProcessorCount} cores over {Sec(cpu.Wall)}: Audience {F2(cpu.Audience)}, PostgreSQL {F2(cpu.Postgres)}, " +
        $"RabbitMQ {F2(cpu.Rabbit)}, this tool {F2(cpu.Tool)}, other processes {F2(cpu.Others)}";

    private static string Ratio(TimeSpan a, TimeSpan b) => (a / b).ToString("0.0", Invariant) + " times";

    public static string N(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–" : value.ToString("N0", Invariant);

    private static string F1(double value) => value.ToString("0.0", Invariant);

    private static string F2(double value) => value.ToString("0.00", Invariant);

    public static string Sec(TimeSpan? span) => span is { } t ? t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "0.00" : "0.0", Invariant) + " s" : "–";

    private static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString("0.0", Invariant) + " ms";

    private static string Ms(double? seconds) => seconds is { } v ? (v * 1000).ToString("0.0", Invariant) + " ms" : "–";

    public static string MiB(long? bytes) => bytes is { } v ? (v / (1024.0 * 1024)).ToString("N0", Invariant) + " MiB" : "–";
}
