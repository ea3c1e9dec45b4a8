namespace Comms.Benchmarks.Sms;

/// <summary>How the consent of the benchmark's patients reaches the gateway's projection.</summary>
public enum ConsentRoute
{
    /// <summary><c>ConsentChanged</c> events on the bus, projected by the gateway's own consumer (the production path).</summary>
    Bus,

    /// <summary>Rows written straight into <c>consent_projection</c> with binary COPY (fast for very large runs).</summary>
    Database,
}

/// <summary>One benchmark run: <see cref="Messages"/> SendSms commands, a share of them to patients without consent.</summary>
public sealed record BenchmarkSettings
{
    public int Messages { get; init; } = 20_000;

    /// <summary>Percentage of recipients without service consent for SMS: they must end blocked.</summary>
    public double UnconsentedPercent { get; init; } = 5;

    /// <summary>Sms:MaxParallelSends of the gateway.</summary>
    public int MaxParallelSends { get; init; } = 32;

    /// <summary>Sms:Accounts:smsru:RatePerSecond: the gateway's own limit for the account (at most 10,000).</summary>
    public int RatePerSecond { get; init; } = 10_000;

    /// <summary>Simulator:SmsRu:ReceiptDelayMs: how long after acceptance the delivery receipt is POSTed to the gateway.</summary>
    public int ReceiptDelayMs { get; init; } = 1_000;

    public ConsentRoute ConsentVia { get; init; } = ConsentRoute.Bus;

    /// <summary>SendSms publishes in flight at once (each waits for its broker confirm).</summary>
    public int PublishParallelism { get; init; } = 64;

    /// <summary>How long to wait, from the first publish, for every message to leave "queued".</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Skip the raw RabbitMQ publish/consume baseline.</summary>
    public bool NoBaseline { get; init; }

    /// <summary>Keep the database and the virtual host afterwards, to look at them.</summary>
    public bool Keep { get; init; }

    /// <summary>The built Comms.Gateway.Sms.dll; null: the one built next to this tool in the same configuration.</summary>
    public string? GatewayDll { get; init; }

    /// <summary>The built Comms.ProviderSimulator.dll; null: the one built next to this tool.</summary>
    public string? SimulatorDll { get; init; }

    /// <summary>Extra configuration of the gateway as environment variables (<c>RabbitMq__PrefetchCount=64</c>).</summary>
    public IReadOnlyDictionary<string, string> GatewaySettings { get; init; } = new Dictionary<string, string>();

    public IEnumerable<string> Validate()
    {
        if (Messages is < 1 or > 9_000_000)
        {
            yield return "--messages must be between 1 and 9,000,000";
        }

        if (UnconsentedPercent is < 0 or >= 100)
        {
            yield return "--unconsented-percent must be at least 0 and below 100";
        }

        if (MaxParallelSends is < 1 or > 256)
        {
            yield return "--max-parallel-sends must be between 1 and 256 (the gateway's Sms:MaxParallelSends range)";
        }

        if (RatePerSecond is < 1 or > 10_000)
        {
            yield return "--rate-per-second must be between 1 and 10,000 (the gateway's Sms:Accounts:<name>:RatePerSecond range)";
        }

        if (ReceiptDelayMs < 0)
        {
            yield return "--receipt-delay must not be negative";
        }

        if (PublishParallelism < 1)
        {
            yield return "--publish-parallelism must be positive";
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return "--timeout must be positive";
        }
    }
}
