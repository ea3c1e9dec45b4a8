using System.ComponentModel.DataAnnotations;

namespace Comms.Consent.Features.Imports;

/// <summary>Section <c>Consent:Imports</c>: limits and pacing of bulk imports.</summary>
public sealed class ImportOptions
{
    public const string Section = "Consent:Imports";

    /// <summary>Largest accepted file. The file is kept in a temporary file while it is imported, never in memory.</summary>
    [Range(1024, 10L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Rows appended to the ledger per step of the apply transaction (bounds memory).</summary>
    [Range(10, 10_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>How often (in rows) the progress of a running import is stored for <c>GET …/imports/{id}</c>.</summary>
    [Range(1, 1_000_000)]
    public int ProgressEvery { get; set; } = 1000;

    /// <summary>Rejected fields listed in a report; all of them are counted.</summary>
    [Range(1, 100_000)]
    public int MaxReportedRejections { get; set; } = 1000;
}
