using System.CommandLine;
using System.CommandLine.Parsing;
using Comms.Benchmarks.Audience;
using Comms.Benchmarks.Dispatcher;

var pending = new Option<int>("--pending") { Description = "Pending sends in the database, the measured ones included.", DefaultValueFactory = _ => 1_000_000 };
var rate = new Option<int>("--rate") { Description = "Sends coming due per second during the measured period.", DefaultValueFactory = _ => 1_000 };
var seconds = new Option<int>("--seconds") { Description = "Length of the measured period in seconds.", DefaultValueFactory = _ => 60 };
var batchSize = new Option<int>("--batch-size") { Description = "Reminders:DispatchBatchSize of the service.", DefaultValueFactory = _ => 100 };
var interval = new Option<int>("--interval") { Description = "Reminders:DispatchInterval of the service, in milliseconds.", DefaultValueFactory = _ => 1_000 };
var perAppointment = new Option<int>("--sends-per-appointment")
{
    Description = "Far-future sends per appointment (1 to 3, as the default rules plan: 3 days, 1 day, 2 hours before).",
    DefaultValueFactory = _ => BenchmarkSettings.MaxSendsPerAppointment,
};
var drain = new Option<int>("--drain-timeout") { Description = "Seconds to wait after the last measured send came due; sends not arrived by then count as missing.", DefaultValueFactory = _ => 300 };
var quick = new Option<bool>("--quick") { Description = "Smoke-run preset: 20,000 pending, 10 seconds (explicit options still win)." };
var burst = new Option<bool>("--burst") { Description = "Make all measured sends due at the same moment: measures the dispatcher's top speed, not its lag." };
var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database and virtual host afterwards." };
var dll = new Option<string?>("--scheduling-dll") { Description = "The built Comms.Scheduling.dll (default: the one built with this tool)." };
var set = new Option<string[]>("--set")
{
    Description = "Extra service configuration as an environment variable, KEY=VALUE (e.g. Outbox__BatchSize=500); repeatable.",
    Arity = ArgumentArity.ZeroOrMore,
};

var root = new RootCommand(
    "Measures the Scheduling service's due dispatcher with real PostgreSQL and RabbitMQ: a million pending sends, " +
    "a steady stream coming due, the lag from due time to ComposeMessage on the bus.")
{
    pending, rate, seconds, batchSize, interval, perAppointment, drain, quick, burst, keep, dll, set,
};

root.SetAction(async (result, cancellationToken) =>
{
    var isQuick = result.GetValue(quick);
    int Pick(Option<int> option, int quickValue) =>
        isQuick && result.GetResult(option) is null or { Implicit: true } ? quickValue : result.GetValue(option);

    var settings = new BenchmarkSettings
    {
        Pending = Pick(pending, 20_000),
        Rate = result.GetValue(rate),
        Seconds = Pick(seconds, 10),
        BatchSize = result.GetValue(batchSize),
        Interval = TimeSpan.FromMilliseconds(result.GetValue(interval)),
        SendsPerAppointment = result.GetValue(perAppointment),
        DrainTimeout = TimeSpan.FromSeconds(Pick(drain, 60)),
        Burst = result.GetValue(burst),
        Keep = result.GetValue(keep),
        SchedulingDll = result.GetValue(dll),
        ServiceSettings = ParseSettings(result.GetValue(set) ?? []),
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
