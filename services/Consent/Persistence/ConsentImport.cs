namespace Comms.Consent.Persistence;

/// <summary>One bulk import of a CSV file: its progress while it runs, its outcome afterwards.</summary>
public sealed class ConsentImport
{
    public Guid Id { get; set; }

    public required string ClinicId { get; set; }

    /// <summary>See <see cref="ImportStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The API key's name.</summary>
    public required string RequestedBy { get; set; }

    public string? FileName { get; set; }

    /// <summary>The encoding the file was read in (utf-8, windows-1251, …).</summary>
    public string? Encoding { get; set; }

    public string? Delimiter { get; set; }

    /// <summary>Apply the valid rows even when some are rejected.</summary>
    public bool AcceptValid { get; set; }

    /// <summary>Data rows read so far (blank lines and the header not counted).</summary>
    public int Rows { get; set; }

    public int RejectedRows { get; set; }

    /// <summary>Valid rows taken from the file so far while applying (appended or duplicate).</summary>
    public int Processed { get; set; }

    public int Applied { get; set; }

    public int Duplicates { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Error { get; set; }
}

public static class ImportStatuses
{
    /// <summary>The file is being received and checked row by row; nothing applied yet.</summary>
    public const string Validating = "validating";

    /// <summary>Every row was checked; the valid rows are being appended in one transaction.</summary>
    public const string Applying = "applying";

    /// <summary>Done: the valid rows are in the ledger.</summary>
    public const string Applied = "applied";

    /// <summary>Done: some rows were invalid, so nothing was applied.</summary>
    public const string Rejected = "rejected";

    /// <summary>The file could not be read (no header, missing columns) or applying failed; nothing was applied.</summary>
    public const string Failed = "failed";
}

/// <summary>One problem with one field of one row of an import.</summary>
public sealed class ConsentImportRejection
{
    public long Id { get; set; }

    public Guid ImportId { get; set; }

    /// <summary>The file's line the row starts on (the header is line 1).</summary>
    public int Line { get; set; }

    /// <summary>The column, or "$" for the row as a whole.</summary>
    public required string Field { get; set; }

    public required string Reason { get; set; }
}
