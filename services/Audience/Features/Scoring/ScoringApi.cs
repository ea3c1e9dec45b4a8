using System.Globalization;
using System.Text.Json;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Scoring;

/// <summary>
/// <c>GET /api/v1/audience/clinics/{clinicId}/model</c>, <c>…/patients/{patientId}</c> and <c>…/patients</c> (a page of
/// them, filtered and sorted): the figures as of <c>asOf</c> (a date, default today in UTC).
/// </summary>
public static class ScoringApi
{
    public static readonly string[] Sorts = ["value_at_risk", "ltv", "value", "last_visit", "visits", "p_alive"];

    public static RouteGroupBuilder MapScoringEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/clinics/{clinicId}/model", ModelAsync).WithName("GetAudienceModel")
            .WithSummary("The fitted BG/NBD and Gamma-Gamma parameters (time in days), their log-likelihood and the fit's size, as of a date")
            .ProducesValidationProblem();
        group.MapGet("/clinics/{clinicId}/patients/{patientId}", PatientAsync).WithName("GetAudiencePatient")
            .WithSummary("Every figure of one patient as of a date: visits, rates, RFM, LTV, probabilistic value, segment with its reasons, churn signals")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/clinics/{clinicId}/patients/{patientId}/segment-history", SegmentHistoryAsync).WithName("GetAudienceSegmentHistory")
            .WithSummary("The patient's moves between segments as the watcher told them to the MIS, newest first, each with its reasons")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/clinics/{clinicId}/patients", ListAsync).WithName("ListAudiencePatients")
            .WithSummary("A page of the clinic's patients with their figures, filtered by segment or signal, sorted")
            .ProducesValidationProblem();
        return group;
    }

    private static async Task<Results<Ok<ModelAnswer>, ValidationProblem>> ModelAsync(
        string clinicId, string? asOf, AudienceScoring scoring, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var date = AsOf(asOf, time, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var model = (await scoring.ScoreAsync(clinicId, date, cancellationToken)).Model;
        return TypedResults.Ok(ModelAnswer.Of(model));
    }

    private static async Task<Results<Ok<PatientFigures>, ValidationProblem, ProblemHttpResult>> PatientAsync(
        string clinicId, string patientId, string? asOf, string? horizonDays, AudienceScoring scoring, TimeProvider time,
        IOptionsMonitor<AudienceOptions> options, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var date = AsOf(asOf, time, errors);
        var horizon = Integer(horizonDays, "horizonDays", options.CurrentValue.DefaultHorizonDays, 1, 3650, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await scoring.PatientAsync(clinicId, patientId, date, horizon, cancellationToken) is { } figures
            ? TypedResults.Ok(figures)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such patient",
                detail: $"Clinic '{clinicId}' has no history of this patient up to {date:yyyy-MM-dd}.");
    }

    private static async Task<Results<Ok<SegmentHistory>, ProblemHttpResult>> SegmentHistoryAsync(
        string clinicId, string patientId, AudienceDbContext db, CancellationToken cancellationToken)
    {
        var moves = await db.SegmentMoves.AsNoTracking()
            .Where(m => m.ClinicId == clinicId && m.PatientId == patientId)
            .OrderByDescending(m => m.On).ThenByDescending(m => m.Id)
            .Take(1000)
            .ToListAsync(cancellationToken);
        if (moves.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No segment moves",
                detail: $"No segment of this patient has been told for clinic '{clinicId}' yet (the watcher tells every Audience:Watch:Interval).");
        }

        return TypedResults.Ok(new SegmentHistory(clinicId, patientId, [.. moves.Select(m => new SegmentHistoryMove(
            m.From, m.To, m.On, JsonSerializer.Deserialize<List<Finding>>(m.Reasons, ReasonsJson) ?? [], m.RecordedAt))]));
    }

    private static readonly JsonSerializerOptions ReasonsJson = new(JsonSerializerDefaults.Web);

    private static async Task<Results<Ok<PatientPage>, ValidationProblem>> ListAsync(
        string clinicId, string? asOf, string? segment, string? signal, string? sort, string? page, string? pageSize,
        AudienceScoring scoring, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var date = AsOf(asOf, time, errors);
        if (segment is not null && !Segments.All.Contains(segment))
        {
            errors["segment"] = [$"must be one of {string.Join(", ", Segments.All)}"];
        }

        if (signal is not null && !Signals.All.Contains(signal))
        {
            errors["signal"] = [$"must be one of {string.Join(", ", Signals.All)}"];
        }

        sort ??= "value_at_risk";
        if (!Sorts.Contains(sort))
        {
            errors["sort"] = [$"must be one of {string.Join(", ", Sorts)}"];
        }

        var number = Integer(page, "page", 1, 1, 1_000_000, errors);
        var size = Integer(pageSize, "pageSize", 50, 1, 1000, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var scores = await scoring.ScoreAsync(clinicId, date, cancellationToken);
        var matching = scores.Patients.Values
            .Where(p => p.ClinicId == clinicId)
            .Where(p => segment is null || p.Segment == segment)
            .Where(p => signal is null || p.Signals.Any(s => s.Code == signal));
        var ordered = (sort switch
        {
            "ltv" => matching.OrderByDescending(p => p.Ltv),
            "value" => matching.OrderByDescending(p => p.Value?.DiscountedValue ?? p.Ltv),
            "last_visit" => matching.OrderByDescending(p => p.LastVisit),
            "visits" => matching.OrderByDescending(p => p.Visits),
            "p_alive" => matching.OrderBy(p => p.Value?.ProbabilityAlive ?? 1),
            _ => matching.OrderByDescending(p => p.ValueAtRisk),
        }).ThenBy(p => p.PatientId, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new PatientPage(date, ordered.Count, number, size, [.. ordered.Skip((number - 1) * size).Take(size)]));
    }

    private static DateOnly AsOf(string? text, TimeProvider time, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors["asOf"] = ["must be a date YYYY-MM-DD"];
        }

        return date;
    }

    private static int Integer(string? text, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors[name] = [$"must be a whole number from {min} to {max}"];
        }

        return value;
    }
}

/// <param name="TimeUnit">Always <c>days</c>: α of BG/NBD is in days (the literature's weeks × 7).</param>
public sealed record ModelAnswer(
    string[] Clinics,
    DateOnly AsOf,
    string TimeUnit,
    int Patients,
    int RepeatPatients,
    BgNbdAnswer? BgNbd,
    GammaGammaAnswer? GammaGamma,
    double LifetimeYears,
    string LifetimeSource,
    decimal VipLtvLine,
    string? Note)
{
    public static ModelAnswer Of(ScopeModel model) => new(
        model.Clinics, model.AsOf, "days", model.Patients, model.RepeatPatients,
        model.BgNbd is { } b ? new BgNbdAnswer(b.Parameters.R, b.Parameters.Alpha, b.Parameters.A, b.Parameters.B, b.LogLikelihood, b.Customers) : null,
        model.GammaGamma is { } g ? new GammaGammaAnswer(g.Parameters.P, g.Parameters.Q, g.Parameters.Gamma, g.LogLikelihood, g.Customers) : null,
        model.LifetimeYears, model.LifetimeSource, model.VipLtvLine,
        model.BgNbd is null ? "Слишком мало пациентов с повторными визитами для вероятностной модели; сегменты считаются по LTV и интервалам." : null);
}

public sealed record BgNbdAnswer(double R, double Alpha, double A, double B, double LogLikelihood, int Customers);

public sealed record GammaGammaAnswer(double P, double Q, double Gamma, double LogLikelihood, int Customers);

/// <summary>A patient's segment moves, newest first.</summary>
public sealed record SegmentHistory(string ClinicId, string PatientId, IReadOnlyList<SegmentHistoryMove> Moves);

/// <param name="From">The segment before; null for the first one told.</param>
public sealed record SegmentHistoryMove(string? From, string To, DateOnly On, IReadOnlyList<Finding> Reasons, DateTimeOffset RecordedAt);

public sealed record PatientPage(DateOnly AsOf, int Total, int Page, int PageSize, IReadOnlyList<PatientFigures> Patients);
