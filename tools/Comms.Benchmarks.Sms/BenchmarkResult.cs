using System.Globalization;
using System.Text;

namespace Comms.Benchmarks.Sms;

/// <summary>How the consent reached the projection before the measured phase.</summary>
/// <param name="Records">ConsentChanged events published, or rows copied.</param>
/// <param name="Elapsed">Until the projection held every record.</param>
public sealed record ConsentSetup(ConsentRoute Route, int Records, long Rows, TimeSpan Elapsed);

/// <summary>The gateway's outbox while measuring: status events written, and those still waiting for the relay at the end.</summary>
public sealed record OutboxActivity(long Written, long Backlog, TimeSpan Elapsed)
{
    public long Relayed => Math.Max(0, Written - Backlog);
}

/// <summary>Everything one run measured, printed as Markdown tables (readable in a terminal, pasteable into docs).</summary>
public sealed class BenchmarkResult
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public required BenchmarkSettings Settings { get; init; }

    public required string Machine { get; init; }

    public required Workload Workload { get; init; }

    public required ConsentSetup Consent { get; init; }

    public required PublishResult Published { get; init; }

    public required SmsOutcome Outcome { get; init; }

    public required CpuUsage? Cpu { get; init; }

    public required OutboxActivity Outbox { get; init; }

    public required TimeSpan? ReceiptsIn { get; init; }

    public required IReadOnlyList<int> ConsumerPrefetch { get; init; }

    public required BaselineResult? Baseline { get; init; }

    /// <summary>The one line to quote: the gateway's rate beside the broker's, from the same run.</summary>
    public string Headline() =>
        $"Gateway.Sms: {N(Outcome.AcceptRate)} SMS accepted/s (consent gate on, {N(Outcome.Blocked)} of {N(Outcome.Unconsented)} unconsented blocked)" +
        (Baseline is { } b ? $" | raw RabbitMQ: {N(b.Rate)} msg/s publish→consume (same run)" : "");

    public string ToMarkdown()
    {
        var s = Settings;
        var o = Outcome;
        var w = Workload;
        var text = new StringBuilder();
        text.AppendLine("| | |");
        text.AppendLine("|---|---|");
        Row(text, "machine", Machine);
        Row(text, "messages", $"{N(w.Count)} SendSms, one number each: {N(w.Consented)} with sms/service consent, {N(w.Unconsented)} without " +
            $"({N(w.Messages.Count(m => m.Consent == ConsentKind.None))} none on record, {N(w.Messages.Count(m => m.Consent == ConsentKind.Revoked))} revoked); " +
            "segments " + string.Join(", ", o.Segments.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {N(kv.Value)}")));
        Row(text, "gateway", $"Sms:MaxParallelSends {N(s.MaxParallelSends)}, RatePerSecond {N(s.RatePerSecond)}, consumer prefetch " +
            (ConsumerPrefetch.Count == 0 ? "?" : string.Join(", ", ConsumerPrefetch.Select(p => N(p)))) +
            (s.GatewaySettings.Count == 0 ? "" : "; " + string.Join(", ", s.GatewaySettings.Select(kv => $"{kv.Key}={kv.Value}"))) +
            $"; simulator receipts after {N(s.ReceiptDelayMs)} ms");
        Row(text, "consent", Consent.Route == ConsentRoute.Bus
            ? $"{N(Consent.Records)} ConsentChanged on the bus, projected ({N(Consent.Rows)} rows) in {Sec(Consent.Elapsed)} ({N(Consent.Records / Consent.Elapsed.TotalSeconds)}/s)"
            : $"{N(Consent.Rows)} rows copied into consent_projection in {Sec(Consent.Elapsed)}");
        Row(text, "SendSms published", $"{N(Published.Count)} with confirms, {N(s.PublishParallelism)} in flight, in {Sec(Published.Elapsed)} ({N(Published.Rate)}/s)");
        Row(text, "**accepted by the provider**", $"**{N(o.Accepted)} of {N(o.Consented)} in {Sec(o.LastAccepted - o.FirstPublish)}: {N(o.AcceptRate)} SMS/s** " +
            $"(first publish → last AcceptedAt); steady {N(o.SteadyAcceptRate)}/s (10th–90th percentile of acceptances)");
        Row(text, "blocked by the consent gate", $"{N(o.Blocked)} of {N(o.Unconsented)}: " +
            string.Join("; ", o.BlockedReasons.OrderByDescending(kv => kv.Value).Select(kv => $"{N(kv.Value)} \"{kv.Key}\"")));
        Row(text, "all SendSms handled", $"{N(o.Accepted + o.Blocked)} in {Sec(o.LastHandled - o.FirstPublish)} ({N(o.HandleRate)}/s); statuses " +
            string.Join(", ", o.Statuses.OrderByDescending(kv => kv.Value).Select(kv => $"{N(kv.Value)} {kv.Key}")));
        Row(text, "at the simulator", $"{N(o.InboxEntries)} SMS in the inbox, {N(o.SendRequests)} send requests; " +
            (o.Exact ? "every consented number exactly once, no unconsented number" : $"{N(o.Problems.Count)} kinds of problem (below)"));
        Row(text, "delivery receipts", ReceiptsIn is { } r
            ? $"{N(o.Delivered)} of {N(o.Consented)} delivered via the webhook, the last {Sec(r)} after the last acceptance"
            : $"{N(o.Delivered)} of {N(o.Consented)} delivered via the webhook when the wait ended");
        Row(text, "outbox relay", $"{N(Outbox.Written)} status events written while measuring (MessageStatusChanged + CloudEvent per change told; a queued superseded at once is not told), " +
            $"{N(Outbox.Relayed)} relayed ({N(Outbox.Relayed / Outbox.Elapsed.TotalSeconds)}/s), {N(Outbox.Backlog)} still waiting when the last message was through");
        if (Cpu is { } cpu)
        {
            Row(text, "CPU while measuring (cores)", $"{F2(cpu.Machine)} of {Environment.ProcessorCount} over {Sec(cpu.Wall)}: Gateway.Sms {F2(cpu.Gateway)}, " +
                $"PostgreSQL {F2(cpu.Postgres)}, RabbitMQ {F2(cpu.Rabbit)}, simulator {F2(cpu.Simulator)}, this tool {F2(cpu.Benchmark)}, other processes {F2(cpu.Others)}");
        }

        if (Baseline is { } b)
        {
            Row(text, "**raw RabbitMQ (same broker, vhost, run)**", $"**{N(b.Messages)} messages of {N(b.BodyBytes)} bytes: {N(b.Rate)} msg/s publish→consume** " +
                $"({Sec(b.Consumed)}); publishing alone {N(b.PublishRate)}/s; confirms with {N(b.InFlight)} in flight, manual acks, prefetch {N(b.Prefetch)}, durable queue, persistent messages");
            if (b.Cpu is { } bc)
            {
                Row(text, "CPU during the baseline (cores)", $"{F2(bc.Machine)} over {Sec(bc.Wall)}: RabbitMQ {F2(bc.Rabbit)}, this tool {F2(bc.Benchmark)}, " +
                    $"PostgreSQL {F2(bc.Postgres)}, other processes {F2(bc.Others)}");
            }
        }

        text.AppendLine();
        text.AppendLine("| latency (seconds) | p50 | p95 | p99 | max | mean |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        LagRow(text, "publish → consumed (CreatedAt)", o.PublishToConsumed);
        LagRow(text, "consumed → accepted (AcceptedAt − CreatedAt)", o.ConsumedToAccepted);
        LagRow(text, "publish → accepted", o.PublishToAccepted);
        LagRow(text, "publish → blocked", o.PublishToBlocked);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, string value) => text.AppendLine($"| {name} | {value} |");

    private static void LagRow(StringBuilder text, string name, LagStatistics? lag) => text.AppendLine(lag is null
        ? $"| {name} | – | – | – | – | – |"
        : $"| {name} | {F3(lag.P50)} | {F3(lag.P95)} | {F3(lag.P99)} | {F3(lag.Max)} | {F3(lag.Mean)} |");

    private static string N(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "–" : value.ToString("N0", Invariant);

    private static string F2(double value) => value.ToString("0.00", Invariant);

    private static string F3(double value) => value.ToString("0.000", Invariant);

    private static string Sec(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0", Invariant) + " s" : "–";
}
