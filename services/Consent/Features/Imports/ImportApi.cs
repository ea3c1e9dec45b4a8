using System.Text;
using Comms.Consent.Persistence;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Comms.Consent.Features.Imports;

/// <summary>
/// <c>POST /api/v1/consents/imports?clinicId=…</c> takes a CSV export of a patient base (the body itself, or a file in
/// multipart/form-data) and answers with the report once it is done; <c>GET …/imports/{importId}</c> shows the progress
/// of a running import and the outcome of a finished one. Choose the id yourself (<c>?importId=</c>) to watch progress.
/// </summary>
public static class ImportApi
{
    private static readonly string[] CsvMediaTypes =
        ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream"];

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/imports", PostAsync).WithName("ImportConsents")
            .WithSummary("Imports consents from a CSV export (text/csv body or a multipart file); all-or-nothing unless acceptValid=true")
            .Accepts<string>("text/csv", [.. CsvMediaTypes.Skip(1), "multipart/form-data"])
            .Produces<ImportReport>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .DisableAntiforgery();
        group.MapGet("/imports/{importId:guid}", GetAsync).WithName("GetConsentImport")
            .WithSummary("Progress and outcome of an import")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static async Task<Results<Created<ImportReport>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request,
        string? clinicId,
        string? acceptValid,
        string? importId,
        ConsentImporter importer,
        ConsentDbContext db,
        IOptions<ImportOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        clinicId = clinicId?.Trim();
        if (string.IsNullOrEmpty(clinicId) || clinicId.Length > 200)
        {
            errors["clinicId"] = ["is required (at most 200 characters): the clinic the imported consents belong to"];
        }

        var accept = false;
        if (acceptValid is not null && !bool.TryParse(acceptValid, out accept))
        {
            errors["acceptValid"] = ["must be true or false"];
        }

        var id = Guid.CreateVersion7();
        if (importId is not null && !Guid.TryParse(importId, out id))
        {
            errors["importId"] = ["must be a UUID"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The import request is invalid; nothing was imported.");
        }

        if (importId is not null && await db.Imports.AnyAsync(i => i.Id == id, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Import id already used",
                detail: $"Import {id} exists; see GET /api/v1/consents/imports/{id}. Choose a new id for a new import.");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            return UnsupportedMediaType();
        }

        var settings = options.Value;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxFileBytes + 1024 * 1024;
        }

        var keyName = request.HttpContext.GetCaller().Name;
        ImportOutcome outcome;
        if (mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return UnsupportedMediaType();
            }

            var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = settings.MaxFileBytes + 1 };
            ImportOutcome? found = null;
            while (found is null && await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    continue;
                }

                if (!TryDeclaredEncoding(section.ContentType, out var sectionEncoding))
                {
                    return UnsupportedCharset();
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                found = await importer.RunAsync(new ImportRequest(id, clinicId!, accept, keyName, fileName, section.Body, sectionEncoding), cancellationToken);
            }

            if (found is null)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["the form holds no file; send the CSV as a file field"] });
            }

            outcome = found;
        }
        else if (CsvMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            if (!TryDeclaredEncoding(request.ContentType, out var declared))
            {
                return UnsupportedCharset();
            }

            outcome = await importer.RunAsync(new ImportRequest(id, clinicId!, accept, keyName, null, request.Body, declared), cancellationToken);
        }
        else
        {
            return UnsupportedMediaType();
        }

        var report = await ImportReport.LoadAsync(db, outcome.Import, settings.MaxReportedRejections, cancellationToken);
        return outcome.Kind switch
        {
            ImportOutcomeKind.Applied => TypedResults.Created($"/api/v1/consents/imports/{report.ImportId}", report),
            ImportOutcomeKind.InvalidHeader => TypedResults.ValidationProblem(
                outcome.HeaderErrors, title: "The file's header row is invalid; nothing was imported.",
                extensions: new Dictionary<string, object?> { ["importId"] = report.ImportId }),
            ImportOutcomeKind.TooLarge => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large",
                detail: report.Error, extensions: new Dictionary<string, object?> { ["importId"] = report.ImportId }),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Some rows are invalid; nothing was imported.",
                detail: $"{report.RejectedRows} of {report.Rows} rows were rejected (see rejected: line, field, reason). Fix them and send the file " +
                        "again, or send it with acceptValid=true to apply the valid rows.",
                extensions: report.AsExtensions()),
        };
    }

    internal static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> GetAsync(
        Guid importId, ConsentDbContext db, IOptions<ImportOptions> options, CancellationToken cancellationToken)
    {
        var import = await db.Imports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, cancellationToken);
        return import is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such import", detail: $"There is no import {importId}.")
            : TypedResults.Ok(await ImportReport.LoadAsync(db, import, options.Value.MaxReportedRejections, cancellationToken));
    }

    /// <summary>A charset other than UTF-8 is taken at its word; UTF-8 (often declared by default) is checked by detection.</summary>
    private static bool TryDeclaredEncoding(string? contentType, out Encoding? encoding)
    {
        encoding = null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || HeaderUtilities.RemoveQuotes(parsed.Charset).Value is not { Length: > 0 } charset)
        {
            return true;
        }

        try
        {
            var declared = Encoding.GetEncoding(charset);
            encoding = declared.CodePage == Encoding.UTF8.CodePage ? null : declared;
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static ProblemHttpResult UnsupportedMediaType() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
            detail: "Send the CSV file as the body (Content-Type: text/csv) or as a file in multipart/form-data.");

    private static ProblemHttpResult UnsupportedCharset() =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unknown charset",
            detail: "The charset of the Content-Type is not known. Leave it out to have UTF-8 or Windows-1251 detected.");
}

public sealed record ImportRejection(int Line, string Field, string Reason);

/// <param name="Rows">Data rows in the file (the header and blank lines not counted).</param>
/// <param name="RejectedRows">Rows with at least one problem; each problem is listed in <paramref name="Rejected"/>.</param>
/// <param name="Processed">Valid rows taken so far while applying (appended or duplicate).</param>
/// <param name="RejectedTruncated">True when there are more problems than the report lists (Consent:Imports:MaxReportedRejections).</param>
public sealed record ImportReport(
    Guid ImportId,
    string ClinicId,
    string Status,
    string RequestedBy,
    string? FileName,
    string? Encoding,
    string? Delimiter,
    bool AcceptValid,
    int Rows,
    int RejectedRows,
    int Processed,
    int Applied,
    int Duplicates,
    IReadOnlyList<ImportRejection> Rejected,
    bool RejectedTruncated,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    public static async Task<ImportReport> LoadAsync(ConsentDbContext db, ConsentImport import, int maxRejections, CancellationToken cancellationToken)
    {
        var rejected = await db.ImportRejections.AsNoTracking()
            .Where(r => r.ImportId == import.Id)
            .OrderBy(r => r.Line).ThenBy(r => r.Id)
            .Take(maxRejections + 1)
            .Select(r => new ImportRejection(r.Line, r.Field, r.Reason))
            .ToListAsync(cancellationToken);
        return new ImportReport(
            import.Id, import.ClinicId, import.Status, import.RequestedBy, import.FileName, import.Encoding, import.Delimiter, import.AcceptValid,
            import.Rows, import.RejectedRows, import.Processed, import.Applied, import.Duplicates,
            [.. rejected.Take(maxRejections)], rejected.Count > maxRejections,
            import.StartedAt, import.UpdatedAt, import.FinishedAt, import.Error);
    }

    /// <summary>The report's fields as problem-details extensions, named as in the report itself.</summary>
    public Dictionary<string, object?> AsExtensions() => new()
    {
        ["importId"] = ImportId,
        ["status"] = Status,
        ["encoding"] = Encoding,
        ["delimiter"] = Delimiter,
        ["rows"] = Rows,
        ["rejectedRows"] = RejectedRows,
        ["applied"] = Applied,
        ["duplicates"] = Duplicates,
        ["rejected"] = Rejected,
        ["rejectedTruncated"] = RejectedTruncated,
    };
}
