using System.Text;
using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.ServiceDefaults.Imports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Consent.Features.Imports;

/// <param name="Body">The CSV bytes, streamed from the request.</param>
/// <param name="DeclaredEncoding">The request's charset when it is not UTF-8; null to detect.</param>
public sealed record ImportRequest(
    Guid Id, string ClinicId, bool AcceptValid, string RequestedBy, string? FileName, Stream Body, Encoding? DeclaredEncoding);

public enum ImportOutcomeKind
{
    /// <summary>The valid rows are in the ledger.</summary>
    Applied,

    /// <summary>Rows were rejected and acceptValid was not given: nothing was applied.</summary>
    Rejected,

    /// <summary>The header is missing or lacks columns: nothing was read.</summary>
    InvalidHeader,

    TooLarge,
}

public sealed record ImportOutcome(ImportOutcomeKind Kind, ConsentImport Import, IReadOnlyDictionary<string, string[]> HeaderErrors);

/// <summary>
/// Imports an existing patient base from a CSV file. The file is streamed to a temporary file, then read twice, one row
/// at a time: first every row is checked (rejections stored with line, column and reason), then — when none was
/// rejected, or acceptValid allows it — the valid rows are appended through <see cref="ConsentLedger"/> in one
/// transaction that holds the ledger exclusively, in batches. Nothing is half-applied: any failure rolls the whole
/// import back. A row already imported (same key, <see cref="ImportColumns.RowKey"/>) is counted as a duplicate.
/// Progress goes to the import's row through a separate connection, so it is visible while the transaction runs.
/// </summary>
public sealed partial class ConsentImporter(
    ConsentDbContext db,
    ConsentLedger ledger,
    IServiceScopeFactory scopes,
    IOptions<ImportOptions> options,
    TimeProvider time,
    ILogger<ConsentImporter> logger)
{
    public async Task<ImportOutcome> RunAsync(ImportRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var progress = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var now = time.GetUtcNow();
        var import = new ConsentImport
        {
            Id = request.Id,
            ClinicId = request.ClinicId,
            Status = ImportStatuses.Validating,
            RequestedBy = request.RequestedBy,
            FileName = request.FileName is { Length: > 500 } name ? name[..500] : request.FileName,
            AcceptValid = request.AcceptValid,
            StartedAt = now,
            UpdatedAt = now,
        };
        progress.Imports.Add(import);
        await progress.SaveChangesAsync(cancellationToken);

        try
        {
            await using var file = await ImportFile.SpoolAsync(request.Body, request.DeclaredEncoding, settings.MaxFileBytes, cancellationToken);
            var delimiter = CsvRowReader.DetectDelimiter(file.FirstLine());
            import.Encoding = file.EncodingName;
            import.Delimiter = delimiter == '\t' ? "tab" : delimiter.ToString();

            var columns = await ValidateAsync(file, delimiter, import, progress, settings, cancellationToken);
            if (columns.Columns is null)
            {
                await FinishAsync(progress, import, ImportStatuses.Failed, "the header row is invalid: " +
                    string.Join("; ", columns.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
                return new ImportOutcome(ImportOutcomeKind.InvalidHeader, import, columns.Errors);
            }

            if (import.RejectedRows > 0 && !request.AcceptValid)
            {
                await FinishAsync(progress, import, ImportStatuses.Rejected, null);
                LogFinished(logger, import.Id, import.ClinicId, import.RequestedBy, import.Status, import.Rows, 0, 0, import.RejectedRows);
                return new ImportOutcome(ImportOutcomeKind.Rejected, import, new Dictionary<string, string[]>());
            }

            await ApplyAsync(file, delimiter, columns.Columns, import, progress, settings, cancellationToken);
            await FinishAsync(progress, import, ImportStatuses.Applied, null);
            LogFinished(logger, import.Id, import.ClinicId, import.RequestedBy, import.Status, import.Rows, import.Applied, import.Duplicates, import.RejectedRows);
            return new ImportOutcome(ImportOutcomeKind.Applied, import, new Dictionary<string, string[]>());
        }
        catch (ImportFileTooLargeException ex)
        {
            await FinishAsync(progress, import, ImportStatuses.Failed, $"{ex.Message} (Consent:Imports:MaxFileBytes)");
            return new ImportOutcome(ImportOutcomeKind.TooLarge, import, new Dictionary<string, string[]>());
        }
        catch (Exception ex)
        {
            // The apply transaction rolled back: say so in the import's row before the error answers the request.
            progress.ChangeTracker.Clear();
            progress.Imports.Update(import);
            import.Applied = 0;
            import.Duplicates = 0;
            await FinishAsync(progress, import, ImportStatuses.Failed,
                ex is OperationCanceledException ? "cancelled (the request was aborted); nothing was applied" : $"nothing was applied: {ex.Message}");
            LogFailed(logger, ex, import.Id, import.ClinicId);
            throw;
        }
    }

    /// <summary>First pass: every row checked, rejections stored, nothing applied.</summary>
    private async Task<(ImportColumns? Columns, Dictionary<string, string[]> Errors)> ValidateAsync(
        ImportFile file, char delimiter, ConsentImport import, ConsentDbContext progress, ImportOptions settings, CancellationToken cancellationToken)
    {
        using var reader = file.OpenReader();
        var csv = new CsvRowReader(reader, delimiter);
        if (!csv.TryRead(out var header) || header.IsBlank)
        {
            return (null, new Dictionary<string, string[]> { ["header"] = ["the file is empty; its first line must name the columns (docs/consent.md)"] });
        }

        var columns = ImportColumns.FromHeader(header.Fields, out var errors);
        if (columns is null)
        {
            return (null, errors);
        }

        var pending = new List<ConsentImportRejection>();
        while (csv.TryRead(out var row))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.IsBlank)
            {
                continue;
            }

            import.Rows++;
            var result = columns.Read(row, import.ClinicId);
            if (!result.IsValid)
            {
                import.RejectedRows++;
                pending.AddRange(result.Errors.Select(e => new ConsentImportRejection
                {
                    ImportId = import.Id,
                    Line = row.Line,
                    Field = e.Key,
                    Reason = Truncate(string.Join("; ", e.Value), 1000),
                }));
            }

            if (pending.Count >= 500 || import.Rows % settings.ProgressEvery == 0)
            {
                progress.ImportRejections.AddRange(pending);
                pending.Clear();
                await SaveProgressAsync(progress, import, cancellationToken);
            }
        }

        progress.ImportRejections.AddRange(pending);
        await SaveProgressAsync(progress, import, cancellationToken);
        return (columns, errors);
    }

    /// <summary>Second pass: the valid rows appended in batches inside one transaction that holds the ledger.</summary>
    private async Task ApplyAsync(
        ImportFile file, char delimiter, ImportColumns columns, ConsentImport import, ConsentDbContext progress, ImportOptions settings,
        CancellationToken cancellationToken)
    {
        import.Status = ImportStatuses.Applying;
        await SaveProgressAsync(progress, import, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ledger.LockExclusivelyAsync(cancellationToken);

        using var reader = file.OpenReader();
        var csv = new CsvRowReader(reader, delimiter);
        csv.TryRead(out _);
        var batch = new List<ConsentRecord>(settings.BatchSize);
        var recordedAt = time.GetUtcNow();
        while (csv.TryRead(out var row))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.IsBlank || columns.Read(row, import.ClinicId).Input is not { } input)
            {
                continue;
            }

            var capturedAt = input.CapturedAt!.Value.ToUniversalTime();
            batch.Add(input.ToRecord(import.ClinicId, $"import:{import.Id}", ImportColumns.RowKey(import.ClinicId, input, capturedAt),
                import.RequestedBy, recordedAt));
            if (batch.Count >= settings.BatchSize)
            {
                await AppendBatchAsync(batch, import, progress, cancellationToken);
            }
        }

        await AppendBatchAsync(batch, import, progress, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task AppendBatchAsync(List<ConsentRecord> batch, ConsentImport import, ConsentDbContext progress, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var outcome = await ledger.AppendAsync(batch, cancellationToken);
        import.Processed += batch.Count;
        import.Applied += outcome.Appended.Count;
        import.Duplicates += outcome.Duplicates.Count;
        batch.Clear();
        db.ChangeTracker.Clear(); // memory stays bounded by one batch
        await SaveProgressAsync(progress, import, cancellationToken);
    }

    private async Task SaveProgressAsync(ConsentDbContext progress, ConsentImport import, CancellationToken cancellationToken)
    {
        import.UpdatedAt = time.GetUtcNow();
        await progress.SaveChangesAsync(cancellationToken);
    }

    private async Task FinishAsync(ConsentDbContext progress, ConsentImport import, string status, string? error)
    {
        import.Status = status;
        import.Error = error is null ? null : Truncate(error, 2000);
        import.FinishedAt = import.UpdatedAt = time.GetUtcNow();
        await progress.SaveChangesAsync(CancellationToken.None);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Import {ImportId} of clinic {ClinicId} by {RequestedBy} {Status}: {Rows} rows, {Applied} applied, {Duplicates} duplicates, {Rejected} rejected")]
    private static partial void LogFinished(
        ILogger logger, Guid importId, string clinicId, string requestedBy, string status, int rows, int applied, int duplicates, int rejected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} of clinic {ClinicId} failed; nothing was applied")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid importId, string clinicId);
}
