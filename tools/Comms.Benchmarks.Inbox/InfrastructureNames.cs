namespace Comms.Benchmarks.Audience;

/// <summary>The Inbox benchmark's own database and virtual host (the record is shared with Audience's benchmark).</summary>
public sealed partial record InfrastructureSettings
{
    public const string Database = "comms_bench_inbox";
    public const string VirtualHost = "comms-bench-inbox";
}
