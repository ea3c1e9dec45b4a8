namespace Comms.Benchmarks.Audience;

/// <summary>The end-to-end benchmark's databases (this name and a suffix per service) and virtual host.</summary>
public sealed partial record InfrastructureSettings
{
    public const string Database = "comms_bench_e2e";
    public const string VirtualHost = "comms-bench-e2e";
}
