namespace Comms.Benchmarks.Audience;

/// <summary>The dispatcher benchmark's own database and virtual host.</summary>
public sealed partial record InfrastructureSettings
{
    public const string Database = "comms_bench_scheduling";
    public const string VirtualHost = "comms-bench";
}
