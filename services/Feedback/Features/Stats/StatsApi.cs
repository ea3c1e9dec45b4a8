using System.Globalization;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.ServiceDefaults.Access;
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
            .WithSummary("Every feedback request with its answer, as CSV: format=plain (default; comma, ISO 8601, English headers) or format=excel (semicolons, dd.MM.yyyy HH:mm in the clinic's zone, Russian headers)")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    /// <param name="Clinics">When set, only these clinics (a manager's own), whatever <paramref name="ClinicId"/> says.</param>
    public sealed record Filter(string? ClinicId, string? DoctorId, string? ServiceCode, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyCollection<string>? Clinics = null);

    public sealed record Nps(int Promoters, int Passives, int Detractors, double? Score);

    public sealed record Review(string AppointmentId, string? DoctorId, string? ServiceCode, int? Rating, string Text, DateTimeOffset? ReviewedAt, string? ClinicId = null);

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

    internal static async Task<IResult> Export(
        HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options,
        string? clinicId, string? doctorId, string? serviceCode, DateTimeOffset? from, DateTimeOffset? to, string? format, CancellationToken cancellationToken)
    {
        if (FeedbackExport.Parse(format, FeedbackExport.Plain) is not { } chosen)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["format"] = [$"must be {string.Join(" or ", FeedbackExport.Formats)} (excel: semicolons, dates in the clinic's zone, Russian headers)"],
            });
        }

        var rows = await QueryAsync(db, Scope(http, new Filter(clinicId, doctorId, serviceCode, from, to)), cancellationToken);
        await FeedbackExport.WriteAsync(http, rows, chosen, options.CurrentValue);
        return TypedResults.Empty;
    }

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
                .Select(r => new Review(r.Request.AppointmentId, r.Visit?.DoctorId, r.Visit?.ServiceCode, r.Request.Rating, r.Request.Review!, r.Request.ReviewedAt, r.Request.ClinicId))]);
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
