using System.Globalization;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.ServiceDefaults.Access;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Stats;

/// <summary>
/// <c>GET /api/v1/feedback/stats</c> and <c>GET /api/v1/feedback/export.csv</c>: results per clinic, doctor, service
/// and period, for managers' tools. <c>from</c>/<c>to</c> bound when the visit was completed (the request planned).
/// </summary>
public static class StatsApi
{
    public const int LatestReviews = 10;

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/feedback").WithTags("Feedback").RequireApiKey();
        group.MapGet("/stats", GetStats)
            .WithSummary("Count, average, distribution, NPS, response rate and latest reviews")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/export.csv", Export)
            .WithSummary("Every feedback request with its answer, as CSV (UTF-8, comma-separated)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    /// <param name="Clinics">When set, only these clinics (a manager's own), whatever <paramref name="ClinicId"/> says.</param>
    public sealed record Filter(string? ClinicId, string? DoctorId, string? ServiceCode, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyCollection<string>? Clinics = null);

    public sealed record Nps(int Promoters, int Passives, int Detractors, double? Score);

    public sealed record Review(string AppointmentId, string? DoctorId, string? ServiceCode, int? Rating, string Text, DateTimeOffset? ReviewedAt);

    public sealed record FeedbackStats(
        string Scale,
        int Asked,
        int Answered,
        double? ResponseRate,
        double? Average,
        IReadOnlyDictionary<string, int> Distribution,
        Nps Nps,
        int Reviews,
        IReadOnlyList<Review> LatestReviews);

    internal sealed record Row(FeedbackRequest Request, Visit? Visit);

    internal static async Task<Ok<FeedbackStats>> GetStats(
        HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options,
        string? clinicId, string? doctorId, string? serviceCode, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var scale = options.CurrentValue.Scale;
        var rows = await QueryAsync(db, Scope(http, new Filter(clinicId, doctorId, serviceCode, from, to)), cancellationToken);
        return TypedResults.Ok(Compute(scale, [.. rows.Where(r => r.Request.Scale == scale)]));
    }

    internal static async Task Export(
        HttpContext http, FeedbackDbContext db,
        string? clinicId, string? doctorId, string? serviceCode, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(db, Scope(http, new Filter(clinicId, doctorId, serviceCode, from, to)), cancellationToken);
        await WriteCsvAsync(http, rows);
    }

    /// <summary>One row per request, oldest first: the file of the API and of the managers' page.</summary>
    internal static async Task WriteCsvAsync(HttpContext http, IReadOnlyList<Row> rows)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"feedback.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        // Patients' words open in spreadsheets: a review starting with "=" must not run as a formula.
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape });
        csv.WriteHeader<ExportRow>();
        await csv.NextRecordAsync();
        foreach (var row in rows.OrderBy(r => r.Request.CreatedAt))
        {
            var (r, v) = (row.Request, row.Visit);
            csv.WriteRecord(new ExportRow(
                r.ClinicId, r.AppointmentId, r.PatientId, v?.DoctorId, v?.DoctorName, v?.ServiceCode, v?.ServiceName,
                v is null || v.StartsAt == default ? null : v.StartsAt, r.Status, r.StatusReason, r.DispatchedAt, r.Scale,
                r.Rating, r.RatingChannel, r.RatedAt, r.Review, r.ReviewChannel, r.ReviewedAt));
            await csv.NextRecordAsync();
        }
    }

    public sealed record ExportRow(
        string ClinicId, string AppointmentId, string? PatientId, string? DoctorId, string? DoctorName, string? ServiceCode, string? ServiceName,
        DateTimeOffset? VisitStartsAt, string Status, string? StatusReason, DateTimeOffset? AskedAt, string Scale,
        int? Rating, string? RatingChannel, DateTimeOffset? RatedAt, string? Review, string? ReviewChannel, DateTimeOffset? ReviewedAt);

    /// <summary>
    /// The numbers, on one scale. NPS: on <c>nps</c> 9–10 promote, 7–8 are passive, 0–6 detract; on <c>stars5</c>
    /// 5 promotes, 4 is passive, 1–3 detract. Score = % promoters − % detractors. Response rate = answered / asked.
    /// </summary>
    internal static FeedbackStats Compute(string scale, IReadOnlyList<Row> rows)
    {
        var asked = rows.Count(r => r.Request.Status == RequestStatuses.Sent);
        var rated = rows.Where(r => r.Request.Rating is not null).Select(r => r.Request.Rating!.Value).ToList();
        var distribution = Enumerable.Range(RatingScales.Min(scale), RatingScales.Max(scale) - RatingScales.Min(scale) + 1)
            .ToDictionary(v => v.ToString(CultureInfo.InvariantCulture), v => rated.Count(r => r == v));
        var (promoterFrom, detractorTo) = scale == RatingScales.Nps ? (9, 6) : (5, 3);
        var promoters = rated.Count(r => r >= promoterFrom);
        var detractors = rated.Count(r => r <= detractorTo);
        var reviews = rows.Where(r => r.Request.Review is not null).ToList();
        return new FeedbackStats(
            scale,
            asked,
            rated.Count,
            asked == 0 ? null : Math.Round((double)rated.Count / asked, 4),
            rated.Count == 0 ? null : Math.Round(rated.Average(), 2),
            distribution,
            new Nps(promoters, rated.Count - promoters - detractors, detractors,
                rated.Count == 0 ? null : Math.Round(100.0 * (promoters - detractors) / rated.Count, 1)),
            reviews.Count,
            [.. reviews.OrderByDescending(r => r.Request.ReviewedAt).Take(LatestReviews)
                .Select(r => new Review(r.Request.AppointmentId, r.Visit?.DoctorId, r.Visit?.ServiceCode, r.Request.Rating, r.Request.Review!, r.Request.ReviewedAt))]);
    }

    private static Filter Scope(HttpContext http, Filter filter) =>
        http.GetCaller().ClinicId is { } own ? filter with { ClinicId = own } : filter;

    internal static async Task<List<Row>> QueryAsync(FeedbackDbContext db, Filter filter, CancellationToken cancellationToken)
    {
        var query =
            from r in db.Requests.AsNoTracking()
            join v in db.Visits.AsNoTracking() on new { r.ClinicId, r.AppointmentId } equals new { v.ClinicId, v.AppointmentId } into visits
            from v in visits.DefaultIfEmpty()
            select new { Request = r, Visit = v };
        if (filter.ClinicId is { Length: > 0 } clinicId)
        {
            query = query.Where(x => x.Request.ClinicId == clinicId);
        }

        if (filter.Clinics is { } clinics)
        {
            var allowed = clinics.ToList();
            query = query.Where(x => allowed.Contains(x.Request.ClinicId));
        }

        if (filter.DoctorId is { Length: > 0 } doctorId)
        {
            query = query.Where(x => x.Visit != null && x.Visit.DoctorId == doctorId);
        }

        if (filter.ServiceCode is { Length: > 0 } serviceCode)
        {
            query = query.Where(x => x.Visit != null && x.Visit.ServiceCode == serviceCode);
        }

        if (filter.From is { } from)
        {
            var f = from.ToUniversalTime();
            query = query.Where(x => x.Request.CreatedAt >= f);
        }

        if (filter.To is { } to)
        {
            var t = to.ToUniversalTime();
            query = query.Where(x => x.Request.CreatedAt < t);
        }

        return [.. (await query.ToListAsync(cancellationToken)).Select(x => new Row(x.Request, x.Visit))];
    }
}
