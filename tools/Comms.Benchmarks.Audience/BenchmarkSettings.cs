namespace Comms.Benchmarks.Audience;

/// <summary>One benchmark run: the synthetic clinic's size, the events, the sample of patients timed after theirs.</summary>
public sealed record BenchmarkSettings
{
    /// <summary>The clinic the history belongs to (its key is configured in the service for the run).</summary>
    public const string ClinicId = "bench-1";

    public int Patients { get; init; } = 200_000;

    /// <summary>Rows of the visit history (completed, cancelled and no-show together).</summary>
    public int Visits { get; init; } = 1_000_000;

    /// <summary>Existing patients who get an appointment.booked + appointment.completed pair, published in bulk.</summary>
    public int Events { get; init; } = 2_000;

    /// <summary>Of those patients, how many get one more pair, each timed on its own: consumed, then their figures read.</summary>
    public int Samples { get; init; } = 500;

    /// <summary>How long the timed samples may take together; what is left is not sampled (and said so).</summary>
    public TimeSpan SampleBudget { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>GETs of a patient with nothing changed since the scoring (the cached path), and of /health/live.</summary>
    public int WarmRequests { get; init; } = 500;

    /// <summary>The seed of the synthetic history: the same seed and sizes give the same file.</summary>
    public int Seed { get; init; } = 20260630;

    /// <summary>The last day of the three-year history; the figures are asked as of it.</summary>
    public DateOnly LastDay { get; init; } = new(2026, 6, 30);

    public bool Keep { get; init; }

    /// <summary>The built Comms.Audience.dll; null: the one built next to this tool in the same configuration.</summary>
    public string? AudienceDll { get; init; }

    /// <summary>Extra configuration of the service as environment variables (<c>Audience__Watch__Interval=00:05:00</c>).</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>();

    public IEnumerable<string> Validate()
    {
        if (Patients is < 100 or > 5_000_000)
        {
            yield return "--patients must be between 100 and 5,000,000";
        }

        if (Visits < Patients || Visits > 50_000_000)
        {
            yield return "--visits must be at least --patients (every patient has a row) and at most 50,000,000";
        }

        if (Events < 0 || Events > Patients)
        {
            yield return "--events must be between 0 and --patients (one pair per existing patient)";
        }

        if (Samples < 0 || Samples > Events)
        {
            yield return "--samples must be between 0 and --events (they are a sample of the patients who got an event)";
        }

        if (SampleBudget <= TimeSpan.Zero)
        {
            yield return "--sample-budget must be positive";
        }

        if (WarmRequests < 1)
        {
            yield return "--warm-requests must be positive";
        }
    }
}
