using System.Globalization;
using System.Text;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Stats;
using Comms.StaffAccounts.Pages;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.Feedback.Features.Dashboard;

/// <summary>
/// The managers' results page: a GET form of filters, the numbers, the distribution and the doctors' averages as
/// inline SVG (no script), and the latest reviews. Everything from patients or the MIS is HTML-escaped.
/// </summary>
public static class DashboardPage
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public sealed record Query(string? ClinicId, string? DoctorId, string? ServiceCode, string? From, string? To);

    public sealed record View(
        string Manager,
        Query Query,
        IReadOnlyList<string> Clinics,
        IReadOnlyList<(string Id, string Name)> Doctors,
        IReadOnlyList<(string Id, string Name)> Services,
        StatsApi.FeedbackStats Stats,
        IReadOnlyList<(string Doctor, StatsApi.FeedbackStats Stats)> ByDoctor,
        IReadOnlyDictionary<string, string> DoctorNames,
        IReadOnlyDictionary<string, string> ServiceNames,
        TimeZoneInfo Zone,
        IReadOnlyDictionary<string, TimeZoneInfo> ClinicZones,
        int Requests,
        string QueryString);

    public static string Render(View view)
    {
        var s = view.Stats;
        var html = new StringBuilder();
        Header(html, "Отзывы пациентов", view.Manager, ManagerSignIn.SignOutPath);
        Filters(html, view);
        if (view.Requests == 0)
        {
            html.Append("<p class=\"panel muted\" id=\"empty\">За выбранный период пациентов об отзыве не спрашивали: ")
                .Append("запросов нет. Выберите другой период, клинику или врача.</p>");
        }

        html.Append("<section class=\"cards\">");
        Card(html, "count", "Оценок", s.Answered.ToString(Russian));
        Card(html, "average", "Средняя оценка", s.Average?.ToString("0.00", Russian) ?? "—");
        Card(html, "response-rate", "Ответили", s.ResponseRate is { } rate
            ? $"{(rate * 100).ToString("0", Russian)} %<small class=\"muted\"> {s.Answered} из {s.Asked}</small>"
            : "—<small class=\"muted\"> никого не спрашивали</small>");
        Card(html, "nps", "NPS", s.Nps.Score is { } nps ? nps.ToString("+0.#;−0.#;0", Russian) : "—");
        html.Append("</section>");

        html.Append("<section class=\"panel\"><h2>Распределение оценок</h2>").Append(Distribution(s)).Append("</section>");
        if (view.ByDoctor.Count > 0)
        {
            html.Append("<section class=\"panel\"><h2>Средняя оценка по врачам</h2>").Append(Doctors(view.ByDoctor, s.Scale)).Append("</section>");
        }

        html.Append("<section class=\"panel\" id=\"reviews\"><h2>Последние отзывы</h2>");
        if (s.LatestReviews.Count == 0)
        {
            html.Append("<p class=\"muted\">Отзывов за выбранный период нет.</p>");
        }

        foreach (var review in s.LatestReviews)
        {
            var doctor = review.DoctorId is null ? null : view.DoctorNames.GetValueOrDefault(review.DoctorId, review.DoctorId);
            var service = review.ServiceCode is null ? null : view.ServiceNames.GetValueOrDefault(review.ServiceCode, review.ServiceCode);
            var zone = review.ClinicId is { } clinic ? view.ClinicZones.GetValueOrDefault(clinic, view.Zone) : view.Zone;
            var when = review.ReviewedAt is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("d MMMM yyyy, HH:mm", Russian) : null;
            html.Append("<article class=\"review\"><div><b>").Append(review.Rating?.ToString(Russian) ?? "—").Append("</b> · ")
                .Append(E(string.Join(" · ", new[] { doctor, service, when }.Where(x => x is not null))))
                .Append("</div><p>").Append(E(review.Text)).Append("</p></article>");
        }

        html.Append("</section>");
        return Layout("Отзывы пациентов", html.ToString());
    }

    private static void Filters(StringBuilder html, View view)
    {
        var q = view.Query;
        html.Append(new FilterForm("/manager")
            .Select("Клиника", "clinicId", "clinic", view.Clinics.Select(c => (c, c)), q.ClinicId, any: "все мои клиники")
            .Select("Врач", "doctorId", "doctor", view.Doctors.Select(d => (d.Id, d.Name)), q.DoctorId, any: "все врачи")
            .Select("Услуга", "serviceCode", "service", view.Services.Select(d => (d.Id, d.Name)), q.ServiceCode, any: "все услуги")
            .Date("С", "from", "from", q.From)
            .Date("По", "to", "to", q.To)
            .Submit("apply", "Показать")
            .Link("csv", "/manager/export.csv" + view.QueryString, "Скачать для Excel", "Открывается в Excel: разделитель «;», даты в часовом поясе клиники"));
    }

    /// <summary>One bar per score, its count written above it.</summary>
    private static string Distribution(StatsApi.FeedbackStats stats) => Charts.Columns("distribution", "Распределение оценок", [.. stats.Distribution
        .OrderBy(d => int.Parse(d.Key, CultureInfo.InvariantCulture))
        .Select(d => new ChartBar(d.Key, d.Value, d.Value.ToString(CultureInfo.InvariantCulture),
            ColorOf(int.Parse(d.Key, CultureInfo.InvariantCulture), stats.Scale), Key: d.Key))]);

    /// <summary>A horizontal bar per doctor, as long as the average on the scale; HTML, so names wrap on a phone.</summary>
    private static string Doctors(IReadOnlyList<(string Doctor, StatsApi.FeedbackStats Stats)> doctors, string scale)
    {
        var max = Requests.RatingScales.Max(scale);
        var html = new StringBuilder("<div id=\"by-doctor\">");
        foreach (var (doctor, stats) in doctors)
        {
            var average = stats.Average ?? 0;
            var percent = Math.Max(1, Math.Round(100 * average / max));
            html.Append("<div class=\"doctor\"><span>").Append(E(doctor)).Append("</span><span class=\"track\"><span class=\"bar\" style=\"width:")
                .Append(percent.ToString(CultureInfo.InvariantCulture)).Append("%;background:").Append(ColorOf((int)Math.Round(average), scale)).Append("\"></span></span><span>")
                .Append(average.ToString("0.00", Russian)).Append(" <small class=\"muted\">(").Append(stats.Answered.ToString(Russian)).Append(")</small></span></div>");
        }

        return html.Append("</div>").ToString();
    }

    private static string ColorOf(int score, string scale)
    {
        var (promoter, detractor) = scale == Requests.RatingScales.Nps ? (9, 6) : (5, 3);
        return score >= promoter ? "#2e9d5b" : score <= detractor ? "#d0483e" : "#e0a526";
    }
}
