using System.Text;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Imports;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Comms.Audience.Features.Imports;

/// <summary>
/// <c>POST /api/v1/audience/imports/visits?clinicId=…</c> and <c>…/imports/patients?clinicId=…</c> take a CSV (the body,
/// <c>text/csv</c>, UTF-8 or Windows-1251 as Russian Excel writes it, detected) and answer the report once it is applied: rows read, taken, rejected, and the rejected ones
/// with their line and reason. <c>GET …/imports/{importId}</c> answers the same report later.
/// </summary>
public static class ImportApi
{
    private static readonly string[] CsvMediaTypes = ["text/csv", "application/csv", "text/plain", "application/octet-stream"];

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/imports/visits", (HttpRequest request, string? clinicId, HistoryImporter importer, AudienceDbContext db, IOptions<ImportOptions> options, CancellationToken ct) =>
                PostAsync(request, clinicId, importer.ImportVisitsAsync, db, options, ct))
            .WithName("ImportVisits")
            .WithSummary("Imports the visit history from a CSV: patientId,date,amount,status[,discount,serviceCode,doctorId,cancelledBy,courseId,appointmentId]")
            .Accepts<string>("text/csv", [.. CsvMediaTypes.Skip(1)])
            .Produces<ImportReport>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        group.MapPost("/imports/patients", (HttpRequest request, string? clinicId, HistoryImporter importer, AudienceDbContext db, IOptions<ImportOptions> options, CancellationToken ct) =>
                PostAsync(request, clinicId, importer.ImportPatientsAsync, db, options, ct))
            .WithName("ImportPatients")
            .WithSummary("Imports who the patients are from a CSV: patientId[,birthDate,sex,city,district,acquisitionSource,referredBy]")
            .Accepts<string>("text/csv", [.. CsvMediaTypes.Skip(1)])
            .Produces<ImportReport>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        group.MapGet("/imports/{importId:guid}", GetAsync).WithName("GetAudienceImport")
            .WithSummary("The report of an import")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Results<Created<ImportReport>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request,
        string? clinicId,
        Func<ImportRequest, CancellationToken, Task<ImportOutcome>> import,
        AudienceDbContext db,
        IOptions<ImportOptions> options,
        CancellationToken cancellationToken)
    {
        var caller = request.HttpContext.GetCaller();
        clinicId = string.IsNullOrWhiteSpace(clinicId) ? caller.ClinicId : clinicId.Trim();
        if (string.IsNullOrEmpty(clinicId) || clinicId.Length > 200)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["clinicId"] = ["is required (at most 200 characters): the clinic the history belongs to"] },
                title: "The import request is invalid; nothing was imported.");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !CsvMediaTypes.Contains(contentType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported content type",
                detail: "Send the CSV file as the body, Content-Type: text/csv.",
                extensions: new Dictionary<string, object?> { ["accepted"] = CsvMediaTypes });
        }

        Encoding? declared = null;
        if (HeaderUtilities.RemoveQuotes(contentType.Charset).Value is { Length: > 0 } charset)
        {
            try
            {
                declared = Encoding.GetEncoding(charset);
                declared = declared.CodePage == Encoding.UTF8.CodePage ? null : declared; // UTF-8 is checked, not trusted
            }
            catch (ArgumentException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unknown charset",
                    detail: "The charset of the Content-Type is not known. Leave it out to have UTF-8 or Windows-1251 detected.");
            }
        }

        var settings = options.Value;
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxFileBytes + 1;
        }

        ImportOutcome outcome;
        try
        {
            outcome = await import(new ImportRequest(Guid.CreateVersion7(), clinicId, caller.Name, request.Body, declared), cancellationToken);
        }
        catch (Exception ex) when (ex is ImportFileTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large",
                detail: $"The file is larger than {settings.MaxFileBytes} bytes ({ImportOptions.Section}:MaxFileBytes); nothing was imported. Split it and send the parts.");
        }

        if (outcome.Import is not { } done)
        {
            return TypedResults.ValidationProblem(outcome.HeaderErrors, title: "The file's header row is invalid; nothing was imported.");
        }

        var report = await ImportReport.LoadAsync(db, done, settings.MaxReportedRejections, cancellationToken);
        return TypedResults.Created($"/api/v1/audience/imports/{done.Id}", report);
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> GetAsync(
        Guid importId, HttpContext http, AudienceDbContext db, IOptions<ImportOptions> options, CancellationToken cancellationToken)
    {
        var import = await db.Imports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == importId, cancellationToken);
        if (import is null || !http.GetCaller().MayActFor(import.ClinicId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such import", detail: $"There is no import {importId} for this key.");
        }

        return TypedResults.Ok(await ImportReport.LoadAsync(db, import, options.Value.MaxReportedRejections, cancellationToken));
    }
}

public sealed record ImportRejection(int Line, string Field, string Reason);

/// <param name="Rows">Data rows read (the header and blank lines not counted).</param>
/// <param name="Applied">Rows taken into the history (a row already there from the same file counts again: it is applied again, changing nothing).</param>
/// <param name="Rejected">Rows not taken; the first of them listed in <paramref name="Rejections"/>.</param>
public sealed record ImportReport(
    Guid ImportId, string ClinicId, string Kind, int Rows, int Applied, int Rejected,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, IReadOnlyList<ImportRejection> Rejections)
{
    public static async Task<ImportReport> LoadAsync(AudienceDbContext db, AudienceImport import, int max, CancellationToken cancellationToken)
    {
        var rejections = await db.ImportRejections.AsNoTracking()
            .Where(r => r.ImportId == import.Id)
            .OrderBy(r => r.Line).ThenBy(r => r.Id)
            .Take(max)
            .Select(r => new ImportRejection(r.Line, r.Field, r.Reason))
            .ToListAsync(cancellationToken);
        return new ImportReport(import.Id, import.ClinicId, import.Kind, import.Rows, import.Applied, import.Rejected,
            import.StartedAt, import.FinishedAt, rejections);
    }
}
