using System.CommandLine;
using Comms.Benchmarks.Audience;
using Comms.Benchmarks.Sms;

var messages = new Option<int>("--messages") { Description = "SendSms commands to publish, the unconsented share included.", DefaultValueFactory = _ => 20_000 };
var unconsented = new Option<double>("--unconsented-percent") { Description = "Percentage of recipients without sms/service consent; they must end blocked.", DefaultValueFactory = _ => 5 };
var parallel = new Option<int>("--max-parallel-sends") { Description = "Sms:MaxParallelSends of the gateway.", DefaultValueFactory = _ => 32 };
var rate = new Option<int>("--rate-per-second")
{
    Description = "Sms:Accounts:smsru:RatePerSecond of the gateway (at most 10,000: high, so the gateway is measured, not its limiter).",
    DefaultValueFactory = _ => 10_000,
};
var receiptDelay = new Option<int>("--receipt-delay") { Description = "Milliseconds after acceptance the simulator POSTs the delivery receipt to the gateway.", DefaultValueFactory = _ => 1_000 };
var consentVia = new Option<ConsentRoute>("--consent-via")
{
    Description = "How consent reaches the gateway's projection: Bus (ConsentChanged events, the production path) or Database (binary COPY, for very large runs).",
    DefaultValueFactory = _ => ConsentRoute.Bus,
};
var publishParallelism = new Option<int>("--publish-parallelism") { Description = "Publishes in flight at once (SendSms and the raw baseline alike).", DefaultValueFactory = _ => 64 };
var timeout = new Option<int>("--timeout") { Description = "Seconds from the first publish to wait for every message to leave 'queued'.", DefaultValueFactory = _ => 1_800 };
var quick = new Option<bool>("--quick") { Description = "Smoke-run preset: 2,000 messages, 120 s timeout (explicit options still win)." };
var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the raw RabbitMQ publish/consume baseline." };
var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database and virtual host afterwards." };
var gatewayDll = new Option<string?>("--gateway-dll") { Description = "The built Comms.Gateway.Sms.dll (default: the one built with this tool)." };
var simulatorDll = new Option<string?>("--simulator-dll") { Description = "The built Comms.ProviderSimulator.dll (default: the one built with this tool)." };
var set = new Option<string[]>("--set")
{
    Description = "Extra gateway configuration as an environment variable, KEY=VALUE (e.g. RabbitMq__PrefetchCount=64); repeatable.",
    Arity = ArgumentArity.ZeroOrMore,
};

var root = new RootCommand(
    "Measures Gateway.Sms with real PostgreSQL and RabbitMQ and the provider simulator: SMS accepted per second with the " +
    "consent gate on, latencies, CPU per process, exactness, beside a raw RabbitMQ publish/consume rate from the same run.")
{
    messages, unconsented, parallel, rate, receiptDelay, consentVia, publishParallelism, timeout, quick, noBaseline, keep, gatewayDll, simulatorDll, set,
};

root.SetAction(async (result, cancellationToken) =>
{
    var isQuick = result.GetValue(quick);
    int Pick(Option<int> option, int quickValue) =>
        isQuick && result.GetResult(option) is null or { Implicit: true } ? quickValue : result.GetValue(option);

    var settings = new BenchmarkSettings
    {
        Messages = Pick(messages, 2_000),
        UnconsentedPercent = result.GetValue(unconsented),
        MaxParallelSends = result.GetValue(parallel),
        RatePerSecond = result.GetValue(rate),
        ReceiptDelayMs = result.GetValue(receiptDelay),
        ConsentVia = result.GetValue(consentVia),
        PublishParallelism = result.GetValue(publishParallelism),
        Timeout = TimeSpan.FromSeconds(Pick(timeout, 120)),
        NoBaseline = result.GetValue(noBaseline),
        Keep = result.GetValue(keep),
        GatewayDll = result.GetValue(gatewayDll),
        SimulatorDll = result.GetValue(simulatorDll),
        GatewaySettings = ParseSettings(result.GetValue(set) ?? []),
    };

    var errors = settings.Validate().ToList();
    if (errors.Count > 0)
    {
        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync(error);
        }

        return 2;
    }

    return await new BenchmarkRun(settings, InfrastructureSettings.FromEnvironment()).RunAsync(cancellationToken);
});

return await root.Parse(args).InvokeAsync();

static Dictionary<string, string> ParseSettings(string[] pairs)
{
    var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    foreach (var pair in pairs)
    {
        var at = pair.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new ArgumentException($"--set expects KEY=VALUE, got '{pair}'");
        }

        settings[pair[..at].Replace(":", "__", StringComparison.Ordinal)] = pair[(at + 1)..];
    }

    return settings;
}
