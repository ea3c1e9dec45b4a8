namespace Comms.Benchmarks.Audience;

/// <summary>The Audience benchmark's own database and virtual host.</summary>
public sealed partial record InfrastructureSettings
{
    public const string Database = "comms_bench_audience";
    public const string VirtualHost = "comms-bench-audience";
}
