namespace Comms.Benchmarks.Dispatcher;

/// <summary>
/// One benchmark run: <see cref="Pending"/> sends in the database, of which <see cref="Measured"/> come due at
/// <see cref="Rate"/> per second for <see cref="Seconds"/> seconds and the rest stay pending far in the future.
/// </summary>
public sealed record BenchmarkSettings
{
    /// <summary>The largest plan of one appointment the seeder writes: the default rules' 3 days, 1 day and 2 hours before.</summary>
    public const int MaxSendsPerAppointment = 3;

    public int Pending { get; init; } = 1_000_000;

    public int Rate { get; init; } = 1_000;

    public int Seconds { get; init; } = 60;

    /// <summary>Reminders:DispatchBatchSize of the service.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Reminders:DispatchInterval of the service.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of the far-future sends share one appointment (1 to 3).</summary>
    public int SendsPerAppointment { get; init; } = MaxSendsPerAppointment;

    /// <summary>How long after the last measured send came due to wait for stragglers.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>All measured sends due at the same moment: the dispatcher's top speed rather than its lag.</summary>
    public bool Burst { get; init; }

    /// <summary>Keep the database and the virtual host afterwards, to look at them.</summary>
    public bool Keep { get; init; }

    /// <summary>The built Comms.Scheduling.dll; null: the one built next to this tool in the same configuration.</summary>
    public string? SchedulingDll { get; init; }

    /// <summary>Extra configuration of the service as environment variables (<c>Outbox__BatchSize=500</c>).</summary>
    public IReadOnlyDictionary<string, string> ServiceSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The sends coming due during the measured period.</summary>
    public int Measured => Rate * Seconds;

    /// <summary>The sends that stay pending (due far in the future) the whole time.</summary>
    public int Background => Pending - Measured;

    public IEnumerable<string> Validate()
    {
        if (Rate <= 0)
        {
            yield return "--rate must be positive";
        }

        if (Seconds <= 0)
        {
            yield return "--seconds must be positive";
        }

        if (BatchSize <= 0)
        {
            yield return "--batch-size must be positive";
        }

        if (Interval <= TimeSpan.Zero)
        {
            yield return "--interval must be positive";
        }

        if (SendsPerAppointment is < 1 or > MaxSendsPerAppointment)
        {
            yield return $"--sends-per-appointment must be between 1 and {MaxSendsPerAppointment}";
        }

        if ((long)Rate * Seconds > Pending)
        {
            yield return $"--pending ({Pending:N0}) must hold the measured sends (--rate × --seconds = {(long)Rate * Seconds:N0})";
        }
    }
}
