using System.Globalization;
using Comms.Audience.Features.Channels;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.StaffAccounts;
using Comms.StaffAccounts.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Analytics;

/// <summary>
/// <c>GET /analytics</c> and <c>GET /analytics/at-risk.csv</c>: a signed-in manager's analytics of one clinic as of a
/// date, and the at-risk list as a file for Excel. A manager sees only their clinics, whatever the query asks: another
/// clinic is a page of refusal (403).
/// </summary>
public static class AnalyticsEndpoints
{
    /// <summary>Patients per page of the at-risk list (the file has them all).</summary>
    public const int PageSize = 50;

    /// <summary>What the at-risk list holds: <c>at_risk</c>, or <c>with_lost</c> (the lost too).</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Lists = [("at_risk", "в зоне риска"), ("with_lost", "в зоне риска и потерянные")];

    /// <summary>The filters as understood: the clinic chosen (null when the manager has none), the date, the list.</summary>
    internal sealed record Request(StaffUser Manager, IReadOnlyList<string> Clinics, string? ClinicId, DateOnly AsOf, string List);

    internal static async Task<IResult> Show(
        HttpContext http, AudienceDbContext db, AudienceScoring scoring, ChannelReports reports, IOptionsMonitor<AudienceOptions> options,
        IOptionsMonitor<ClinicKeysOptions> keys, TimeProvider time,
        string? clinicId, string? asOf, string? from, string? to, string? portrait, string? list, string? page)
    {
        var (request, refusal) = await ScopeAsync(http, db, options.CurrentValue, keys.CurrentValue, time, clinicId, asOf, list);
        if (refusal is not null)
        {
            return refusal;
        }

        // The messages' period: the 90 days up to the date unless the manager chose one.
        var periodEnd = request!.AsOf;
        var periodStart = periodEnd.AddDays(-89);
        if ((to is { Length: > 0 } && !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out periodEnd))
            || (from is { Length: > 0 } && !DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out periodStart)))
        {
            return StaffHtml.Message(http, StatusCodes.Status400BadRequest, "Период не распознан",
                "Укажите начало и конец периода как ГГГГ-ММ-ДД, например 2026-03-01 и 2026-03-31.", AnalyticsSignIn.Site.Home, "Вернуться к аналитике на сегодня");
        }

        if (from is not { Length: > 0 } && to is { Length: > 0 })
        {
            periodStart = periodEnd.AddDays(-89);
        }

        if (periodStart > periodEnd || periodEnd.DayNumber - periodStart.DayNumber > 3660)
        {
            return StaffHtml.Message(http, StatusCodes.Status400BadRequest, "Период не подходит",
                "Начало периода должно быть не позже конца, а сам период — не длиннее десяти лет.", AnalyticsSignIn.Site.Home, "Вернуться к аналитике на сегодня");
        }

        var segment = portrait is { Length: > 0 } && Segments.All.Contains(portrait) ? portrait : null;
        var number = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 1;
        AnalyticsPage.Figures? figures = null;
        if (request.ClinicId is { } clinic)
        {
            var scores = await scoring.ScoreAsync(clinic, request.AsOf, http.RequestAborted);
            var patients = scores.Patients.Values.Where(p => p.ClinicId == clinic).ToList();
            var traits = patients.Count == 0 ? new Dictionary<string, PatientTraits>() : await TraitsAsync(db, clinic, request.AsOf, http.RequestAborted);
            var (channels, timing) = patients.Count == 0 ? ([], []) : await reports.PageAsync(clinic, periodStart, periodEnd, http.RequestAborted);
            figures = new AnalyticsPage.Figures(scores.Model, patients, PatientPortraits.Of(clinic, request.AsOf, patients, traits),
                channels, timing, patients.Count == 0 ? [] : await reports.RecallIntervalsAsync(clinic, request.AsOf, http.RequestAborted));
        }

        var view = new AnalyticsPage.View(
            request.Manager.DisplayName, request.Clinics, request.ClinicId, request.AsOf, periodStart, periodEnd, segment, request.List, number,
            figures, options.CurrentValue.MinimumRepeatPatients, $"{http.Request.Scheme}://{http.Request.Host}");
        return StaffHtml.Page(http, AnalyticsPage.Render(view), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> Export(
        HttpContext http, AudienceDbContext db, AudienceScoring scoring, IOptionsMonitor<AudienceOptions> options,
        IOptionsMonitor<ClinicKeysOptions> keys, TimeProvider time, string? clinicId, string? asOf, string? list)
    {
        var (request, refusal) = await ScopeAsync(http, db, options.CurrentValue, keys.CurrentValue, time, clinicId, asOf, list);
        if (refusal is not null)
        {
            return refusal;
        }

        if (request!.ClinicId is not { } clinic)
        {
            return StaffHtml.Message(http, StatusCodes.Status404NotFound, "Нет клиники",
                "Ни одной клиники с историей пока нет: выгружать нечего.", AnalyticsSignIn.Site.Home, "Вернуться к аналитике");
        }

        var scores = await scoring.ScoreAsync(clinic, request.AsOf, http.RequestAborted);
        var rows = SegmentSummary.AtRisk(scores.Patients.Values.Where(p => p.ClinicId == clinic), request.List == "with_lost");
        await AtRiskExport.WriteAsync(http, clinic, request.AsOf, rows);
        return TypedResults.Empty;
    }

    /// <summary>The filters limited to the manager's clinics; a page of refusal for another clinic or a date that is none.</summary>
    private static async Task<(Request? Request, IResult? Refusal)> ScopeAsync(
        HttpContext http, AudienceDbContext db, AudienceOptions options, ClinicKeysOptions keys, TimeProvider time,
        string? clinicId, string? asOf, string? list)
    {
        if (http.User.Staff() is not { } manager)
        {
            return (null, TypedResults.Redirect(AnalyticsSignIn.SignInPath));
        }

        if (clinicId is { Length: > 0 } && !manager.MaySee(clinicId))
        {
            return (null, StaffHtml.Message(http, StatusCodes.Status403Forbidden, "Нет доступа к этой клинике",
                "Эта клиника не входит в ваши: аналитика открыта только по клиникам вашей учётной записи.", AnalyticsSignIn.Site.Home, "Вернуться к своим клиникам"));
        }

        var date = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (asOf is { Length: > 0 } && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return (null, StaffHtml.Message(http, StatusCodes.Status400BadRequest, "Дата не распознана",
                "Укажите дату как ГГГГ-ММ-ДД, например 2026-06-30.", AnalyticsSignIn.Site.Home, "Вернуться к аналитике на сегодня"));
        }

        var clinics = await ClinicsAsync(db, manager, options, keys, http.RequestAborted);
        if (clinics.Count == 0 && !manager.SeesEveryClinic)
        {
            return (null, StaffHtml.Message(http, StatusCodes.Status403Forbidden, "Нет доступных клиник",
                "Вашей учётной записи не открыта ни одна клиника: попросите администратора добавить их (Staff:Accounts:N:Clinics или группа у поставщика входа).",
                AnalyticsSignIn.SignInPath, "Войти под другой учётной записью"));
        }

        var chosen = clinicId is { Length: > 0 } ? clinicId : (clinics.Count > 0 ? clinics[0] : null);
        var listed = chosen is not null && !clinics.Contains(chosen) ? [.. clinics, chosen] : clinics;
        return (new Request(manager, listed, chosen, date, Lists.Any(l => l.Value == list) ? list! : Lists[0].Value), null);
    }

    /// <summary>
    /// The clinics a manager may choose: their own; for one who sees every clinic, those with a history in Audience,
    /// those with an MIS key and those in a chain.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> ClinicsAsync(
        AudienceDbContext db, StaffUser manager, AudienceOptions options, ClinicKeysOptions keys, CancellationToken cancellationToken)
    {
        if (!manager.SeesEveryClinic)
        {
            return [.. manager.Clinics.Order(StringComparer.Ordinal)];
        }

        // Each clinic once, from the index, without reading every visit.
        var known = await db.Database.SqlQueryRaw<string>("""
            WITH RECURSIVE clinics AS (
                (SELECT "ClinicId" FROM visits ORDER BY "ClinicId" LIMIT 1)
                UNION ALL
                SELECT (SELECT v."ClinicId" FROM visits v WHERE v."ClinicId" > c."ClinicId" ORDER BY v."ClinicId" LIMIT 1)
                FROM clinics c WHERE c."ClinicId" IS NOT NULL)
            SELECT "ClinicId" AS "Value" FROM clinics WHERE "ClinicId" IS NOT NULL
            """).ToListAsync(cancellationToken);
        return [.. known
            .Concat(keys.Clinics.Select(c => c.ClinicId))
            .Concat(options.Chains.SelectMany(c => c.Clinics))
            .Where(c => !string.IsNullOrWhiteSpace(c))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Who the clinic's patients are (the <c>patients</c> table) and each one's preferred channel as of the date.</summary>
    internal static async Task<Dictionary<string, PatientTraits>> TraitsAsync(AudienceDbContext db, string clinicId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var traits = (await db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId)
                .Select(p => new { p.PatientId, p.BirthDate, p.Sex, p.City, p.District, p.AcquisitionSource, p.ReferredBy })
                .ToListAsync(cancellationToken))
            .ToDictionary(p => p.PatientId, p => new PatientTraits(p.BirthDate, p.Sex, p.City, p.District, p.AcquisitionSource, p.ReferredBy), StringComparer.Ordinal);

        var end = new DateTimeOffset(asOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ClinicId == clinicId && m.PatientId != null && m.Channel != null && (m.RequestedAt == null || m.RequestedAt < end))
            .GroupBy(m => new { m.PatientId, m.Channel })
            .Select(g => new
            {
                g.Key.PatientId,
                g.Key.Channel,
                Answered = g.Count(m => m.RepliedAt != null || m.Answer != null),
                Delivered = g.Count(m => m.DeliveredAt != null),
                Last = g.Max(m => m.RequestedAt),
            })
            .ToListAsync(cancellationToken);
        var consents = await db.ChannelConsents.AsNoTracking()
            .Where(c => c.ClinicId == clinicId && c.Granted && c.ChangedAt < end)
            .Select(c => new { c.PatientId, c.Channel, c.Purpose })
            .ToListAsync(cancellationToken);
        var usage = messages.ToLookup(m => m.PatientId!, m => new ChannelUse(m.Channel!, m.Answered, m.Delivered, m.Last), StringComparer.Ordinal);
        var granted = consents.ToLookup(c => c.PatientId, c => (c.Channel, c.Purpose), StringComparer.Ordinal);
        foreach (var patient in usage.Select(u => u.Key).Concat(granted.Select(g => g.Key)).Distinct(StringComparer.Ordinal))
        {
            if (PatientPortraits.PreferredChannel(usage[patient], granted[patient]) is { } channel)
            {
                traits[patient] = (traits.GetValueOrDefault(patient) ?? new PatientTraits(null, null, null, null, null, null)) with { PreferredChannel = channel };
            }
        }

        return traits;
    }
}
