using System.Globalization;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Features.Stats;
using Comms.Feedback.Persistence;
using Comms.StaffAccounts;
using Comms.StaffAccounts.Pages;
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
        var doctors = choices.Doctors.ToDictionary(d => d.Id, d => d.Name);
        var services = choices.Services.ToDictionary(d => d.Id, d => d.Name);
        var view = new DashboardPage.View(
            manager!.DisplayName,
            new DashboardPage.Query(clinicId, doctorId, serviceCode, from, to),
            await ClinicsAsync(db, manager, settings, http.RequestAborted),
            choices.Doctors,
            choices.Services,
            StatsApi.Compute(settings.Scale, onScale),
            [.. onScale.GroupBy(r => r.Visit?.DoctorId ?? "")
                .Select(g => (Doctor: g.Key.Length == 0 ? "без врача" : doctors.GetValueOrDefault(g.Key, g.Key), Stats: StatsApi.Compute(settings.Scale, [.. g])))
                .Where(d => d.Stats.Average is not null)
                .OrderByDescending(d => d.Stats.Average).ThenBy(d => d.Doctor, StringComparer.Ordinal)],
            doctors,
            services,
            ZoneOf(settings),
            visits.GroupBy(v => v.ClinicId).ToDictionary(g => g.Key, g => RequestPlanner.Zone(settings, g.Select(v => v.ClinicTimeZone).FirstOrDefault(z => z is not null))),
            rows.Count,
            http.Request.QueryString.Value ?? "");
        return StaffHtml.Page(http, DashboardPage.Render(view), StatusCodes.Status200OK);
    }

    /// <summary>The managers' file: the Excel form unless <c>format=plain</c> asks for the programs' one.</summary>
    internal static async Task<IResult> Export(
        HttpContext http, FeedbackDbContext db, IOptionsMonitor<FeedbackOptions> options,
        string? clinicId, string? doctorId, string? serviceCode, string? from, string? to, string? format)
    {
        var (_, filter, denied) = Scope(http, options.CurrentValue, clinicId, doctorId, serviceCode, from, to);
        if (denied is not null)
        {
            return denied;
        }

        if (FeedbackExport.Parse(format, FeedbackExport.Excel) is not { } chosen)
        {
            return StaffHtml.Page(http, StaffHtml.Layout("Неизвестный формат файла",
                "<h1>Неизвестный формат файла</h1><p>Файл бывает для Excel (по умолчанию) или <code>format=plain</code> для программ.</p>" +
                "<p><a href=\"/manager\">Вернуться к отзывам</a></p>"), StatusCodes.Status400BadRequest);
        }

        await FeedbackExport.WriteAsync(http, await StatsApi.QueryAsync(db, filter, http.RequestAborted), chosen, options.CurrentValue);
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
            return (manager, filter, StaffHtml.Page(http, StaffHtml.Layout("Нет доступа",
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

    private static async Task<IReadOnlyList<string>> ClinicsAsync(FeedbackDbContext db, StaffUser manager, FeedbackOptions settings, CancellationToken cancellationToken)
    {
        if (!manager.SeesEveryClinic)
        {
            return [.. manager.Clinics.Order(StringComparer.Ordinal)];
        }

        var known = await db.Requests.AsNoTracking().Select(r => r.ClinicId).Distinct().ToListAsync(cancellationToken);
        return [.. known.Union(settings.Clinics.Keys).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The doctors and services of the clinics in scope, for the filter's lists: each id once, under the name its
    /// latest visit gave; a name two ids share is told apart by the specialty (doctors) and the id.
    /// </summary>
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

        var doctors = await query.Where(v => v.DoctorId != null)
            .GroupBy(v => new { v.DoctorId, v.DoctorName, v.DoctorSpecialty })
            .Select(g => new { g.Key.DoctorId, g.Key.DoctorName, g.Key.DoctorSpecialty, Latest = g.Max(v => v.UpdatedAt) })
            .ToListAsync(cancellationToken);
        var services = await query.Where(v => v.ServiceCode != null)
            .GroupBy(v => new { v.ServiceCode, v.ServiceName })
            .Select(g => new { g.Key.ServiceCode, g.Key.ServiceName, Latest = g.Max(v => v.UpdatedAt) })
            .ToListAsync(cancellationToken);
        return (
            FilterChoices.Of(doctors.Select(d => new FilterChoices.Seen(d.DoctorId!, d.DoctorName, d.DoctorSpecialty, d.Latest))),
            FilterChoices.Of(services.Select(s => new FilterChoices.Seen(s.ServiceCode!, s.ServiceName, null, s.Latest))));
    }
}