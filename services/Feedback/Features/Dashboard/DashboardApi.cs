using System.Globalization;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Features.Stats;
using Comms.Feedback.Persistence;
using Comms.StaffAccounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Dashboard;

/// <summary>
/// <c>GET /manager</c> and <c>GET /manager/export.csv</c>: the results page of a signed-in manager, and its file. The
/// numbers come from <see cref="StatsApi"/>'s query and computation; a manager sees only their clinics, whatever the
/// query string asks.
/// </summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/manager", Show).RequireAuthorization(ManagerSignIn.Policy).ExcludeFromDescription();
        routes.MapGet("/manager/export.csv", Export).RequireAuthorization(ManagerSignIn.Policy).ExcludeFromDescription();
        return routes;
    }

    internal static async Task<IResult> Show(
        HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options,
        string? clinicId, string? doctorId, string? serviceCode, string? from, string? to)
    {
        var settings = options.CurrentValue;
        var (manager, filter, denied) = Scope(http, settings, clinicId, doctorId, serviceCode, from, to);
        if (denied is not null)
        {
            return denied;
        }

        var rows = await StatsApi.QueryAsync(db, filter, http.RequestAborted);
        var onScale = rows.Where(r => r.Request.Scale == settings.Scale).ToList();
        var visits = rows.Where(r => r.Visit is not null).Select(r => r.Visit!).ToList();
        // The lists do not narrow with the doctor or service chosen: the manager switches between them.
        var choices = await ChoicesAsync(db, filter, http.RequestAborted);
        var view = new DashboardPage.View(
            manager!.DisplayName,
            new DashboardPage.Query(clinicId, doctorId, serviceCode, from, to),
            await ClinicsAsync(db, manager, settings, http.RequestAborted),
            choices.Doctors,
            choices.Services,
            StatsApi.Compute(settings.Scale, onScale),
            [.. onScale.GroupBy(r => r.Visit?.DoctorId ?? "")
                .Select(g => (Doctor: NameOf(g.Key, g.FirstOrDefault(r => r.Visit?.DoctorName is not null)?.Visit?.DoctorName), Stats: StatsApi.Compute(settings.Scale, [.. g])))
                .Where(d => d.Stats.Average is not null)
                .OrderByDescending(d => d.Stats.Average).ThenBy(d => d.Doctor, StringComparer.Ordinal)],
            visits.Where(v => v.DoctorId is not null).GroupBy(v => v.DoctorId!).ToDictionary(g => g.Key, g => g.First().DoctorName ?? g.Key),
            visits.Where(v => v.ServiceCode is not null).GroupBy(v => v.ServiceCode!).ToDictionary(g => g.Key, g => g.First().ServiceName ?? g.Key),
            ZoneOf(settings),
            http.Request.QueryString.Value ?? "");
        return ManagerHtml.Page(http, DashboardPage.Render(view), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> Export(
        HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options,
        string? clinicId, string? doctorId, string? serviceCode, string? from, string? to)
    {
        var (_, filter, denied) = Scope(http, options.CurrentValue, clinicId, doctorId, serviceCode, from, to);
        if (denied is not null)
        {
            return denied;
        }

        await StatsApi.WriteCsvAsync(http, await StatsApi.QueryAsync(db, filter, http.RequestAborted));
        return TypedResults.Empty;
    }

    /// <summary>The filter limited to the manager's clinics; a page of refusal for another clinic.</summary>
    private static (StaffUser? Manager, StatsApi.Filter Filter, IResult? Denied) Scope(
        HttpContext http, FeedbackOptions settings, string? clinicId, string? doctorId, string? serviceCode, string? from, string? to)
    {
        var filter = new StatsApi.Filter(null, null, null, null, null);
        if (http.User.Staff() is not { } manager)
        {
            return (null, filter, TypedResults.Redirect(ManagerSignIn.SignInPath));
        }

        if (clinicId is { Length: > 0 } && !manager.MaySee(clinicId))
        {
            return (manager, filter, ManagerHtml.Page(http, ManagerHtml.Layout("Нет доступа",
                "<h1>Нет доступа к этой клинике</h1><p><a href=\"/manager\">Вернуться к своим клиникам</a></p>"), StatusCodes.Status403Forbidden));
        }

        var zone = ZoneOf(settings);
        return (manager, new StatsApi.Filter(
            clinicId, doctorId, serviceCode, StartOf(from, zone), StartOf(to, zone)?.AddDays(1),
            manager.SeesEveryClinic ? null : manager.Clinics), null);
    }

    /// <summary>Midnight of a <c>yyyy-MM-dd</c> date in the zone; null for none or nonsense.</summary>
    private static DateTimeOffset? StartOf(string? date, TimeZoneInfo zone) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(day.ToDateTime(TimeOnly.MinValue)))
            : null;

    private static TimeZoneInfo ZoneOf(FeedbackOptions settings) => TimeZoneInfo.FindSystemTimeZoneById(settings.DefaultTimeZone);

    private static string NameOf(string id, string? name) => id.Length == 0 ? "без врача" : name ?? id;

    private static async Task<IReadOnlyList<string>> ClinicsAsync(FeedbackDbContext db, StaffUser manager, FeedbackOptions settings, CancellationToken cancellationToken)
    {
        if (!manager.SeesEveryClinic)
        {
            return [.. manager.Clinics.Order(StringComparer.Ordinal)];
        }

        var known = await db.Requests.AsNoTracking().Select(r => r.ClinicId).Distinct().ToListAsync(cancellationToken);
        return [.. known.Union(settings.Clinics.Keys).Order(StringComparer.Ordinal)];
    }

    /// <summary>The doctors and services of the clinics in scope, for the filter's lists.</summary>
    private static async Task<(IReadOnlyList<(string Id, string Name)> Doctors, IReadOnlyList<(string Id, string Name)> Services)> ChoicesAsync(
        FeedbackDbContext db, StatsApi.Filter filter, CancellationToken cancellationToken)
    {
        var query = db.Visits.AsNoTracking();
        if (filter.ClinicId is { Length: > 0 } clinicId)
        {
            query = query.Where(v => v.ClinicId == clinicId);
        }

        if (filter.Clinics is { } clinics)
        {
            var allowed = clinics.ToList();
            query = query.Where(v => allowed.Contains(v.ClinicId));
        }

        var pairs = await query.Select(v => new { v.DoctorId, v.DoctorName, v.ServiceCode, v.ServiceName }).Distinct().ToListAsync(cancellationToken);
        return (
            Choices(pairs.Select(p => (p.DoctorId, p.DoctorName))),
            Choices(pairs.Select(p => (p.ServiceCode, p.ServiceName))));
    }

    private static List<(string Id, string Name)> Choices(IEnumerable<(string? Id, string? Name)> pairs) =>
        [.. pairs.Where(p => p.Id is not null).GroupBy(p => p.Id!)
            .Select(g => (g.Key, g.Select(p => p.Name).FirstOrDefault(n => n is not null) ?? g.Key))
            .OrderBy(c => c.Item2, StringComparer.Ordinal)];
}
