using System.CommandLine;
using Comms.Benchmarks.Audience;

var patients = new Option<int>("--patients") { Description = "Patients of the synthetic clinic.", DefaultValueFactory = _ => 200_000 };
var visits = new Option<int>("--visits") { Description = "Rows of its three-year visit history (completed, cancelled, no-show).", DefaultValueFactory = _ => 1_000_000 };
var events = new Option<int>("--events")
{
    Description = "Existing patients who get an appointment.booked + appointment.completed pair on mis.events (published in bulk: the consume rate).",
    DefaultValueFactory = _ => 2_000,
};
var samples = new Option<int>("--samples")
{
    Description = "Of those, patients who get one more pair, one at a time, their figures read as soon as it is consumed (the update latency).",
    DefaultValueFactory = _ => 500,
};
var sampleBudget = new Option<int>("--sample-budget") { Description = "Seconds the timed samples may take together; the rest are not taken.", DefaultValueFactory = _ => 600 };
var warmRequests = new Option<int>("--warm-requests") { Description = "GETs of an unchanged patient (the cached path) and of /health/live (the baseline).", DefaultValueFactory = _ => 500 };
var seed = new Option<int>("--seed") { Description = "Seed of the synthetic history.", DefaultValueFactory = _ => 20260630 };
var quick = new Option<bool>("--quick") { Description = "Smoke-run preset: 20,000 patients, 100,000 visits, 200 events, 100 samples, 180 s budget (explicit options still win)." };
var keep = new Option<bool>("--keep") { Description = "Keep the benchmark database, virtual host and CSV afterwards." };
var audienceDll = new Option<string?>("--audience-dll") { Description = "The built Comms.Audience.dll (default: the one built with this tool)." };
var set = new Option<string[]>("--set")
{
    Description = "Extra service configuration as an environment variable, KEY=VALUE (e.g. Audience__Watch__Interval=00:05:00); repeatable.",
    Arity = ArgumentArity.ZeroOrMore,
};

var root = new RootCommand(
    "Measures the Audience service with real PostgreSQL and RabbitMQ on a synthetic clinic: the visit import, the cold " +
    "refit and rescoring, peak RSS, the event consume rate and a patient's figures after an event, each beside a baseline from the same run.")
{
    patients, visits, events, samples, sampleBudget, warmRequests, seed, quick, keep, audienceDll, set,
};

root.SetAction(async (result, cancellationToken) =>
{
    var isQuick = result.GetValue(quick);
    int Pick(Option<int> option, int quickValue) =>
        isQuick && result.GetResult(option) is null or { Implicit: true } ? quickValue : result.GetValue(option);

    var settings = new BenchmarkSettings
    {
        Patients = Pick(patients, 20_000),
        Visits = Pick(visits, 100_000),
        Events = Pick(events, 200),
        Samples = Pick(samples, 100),
        SampleBudget = TimeSpan.FromSeconds(Pick(sampleBudget, 180)),
        WarmRequests = result.GetValue(warmRequests),
        Seed = result.GetValue(seed),
        Keep = result.GetValue(keep),
        AudienceDll = result.GetValue(audienceDll),
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
