namespace Comms.Benchmarks.Audience;

/// <summary>The SMS benchmark's own database and virtual host.</summary>
public sealed partial record InfrastructureSettings
{
    public const string Database = "comms_bench_sms";
    public const string VirtualHost = "comms-bench-sms";
}
