using System.Globalization;
using System.Text;
using Comms.Feedback.Features.Managers;
using Comms.Feedback.Features.Stats;
using static Comms.Feedback.Features.Dashboard.ManagerHtml;

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
        html.Append("<header><h1>Отзывы пациентов</h1><form method=\"post\" action=\"").Append(ManagerSignIn.SignOutPath).Append("\">")
            .Append("<span class=\"muted\">").Append(E(view.Manager)).Append("</span> ")
            .Append("<button type=\"submit\" id=\"sign-out\">Выйти</button></form></header>");
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
        html.Append("<form method=\"get\" action=\"/manager\" class=\"filters panel\">");
        html.Append("<label>Клиника<select name=\"clinicId\" id=\"clinic\"><option value=\"\">все мои клиники</option>");
        foreach (var clinic in view.Clinics)
        {
            Option(html, clinic, clinic, q.ClinicId);
        }

        html.Append("</select></label><label>Врач<select name=\"doctorId\" id=\"doctor\"><option value=\"\">все врачи</option>");
        foreach (var (id, name) in view.Doctors)
        {
            Option(html, id, name, q.DoctorId);
        }

        html.Append("</select></label><label>Услуга<select name=\"serviceCode\" id=\"service\"><option value=\"\">все услуги</option>");
        foreach (var (id, name) in view.Services)
        {
            Option(html, id, name, q.ServiceCode);
        }

        html.Append("</select></label>")
            .Append("<label>С<input type=\"date\" name=\"from\" id=\"from\" value=\"").Append(E(q.From)).Append("\"></label>")
            .Append("<label>По<input type=\"date\" name=\"to\" id=\"to\" value=\"").Append(E(q.To)).Append("\"></label>")
            .Append("<button type=\"submit\" id=\"apply\">Показать</button>")
            .Append("<a class=\"button\" id=\"csv\" href=\"/manager/export.csv").Append(E(view.QueryString))
            .Append("\" title=\"Открывается в Excel: разделитель «;», даты в часовом поясе клиники\">Скачать для Excel</a>")
            .Append("</form>");
    }

    private static void Option(StringBuilder html, string value, string label, string? selected) =>
        html.Append("<option value=\"").Append(E(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(E(label)).Append("</option>");

    private static void Card(StringBuilder html, string id, string label, string valueHtml) =>
        html.Append("<div class=\"card\"><span class=\"muted\">").Append(label).Append("</span><b id=\"").Append(id).Append("\">").Append(valueHtml).Append("</b></div>");

    /// <summary>One bar per score, its count written above it.</summary>
    private static string Distribution(StatsApi.FeedbackStats stats)
    {
        const int barWidth = 36, gap = 12, height = 140, top = 20, bottom = 24;
        var bars = stats.Distribution.OrderBy(d => int.Parse(d.Key, CultureInfo.InvariantCulture)).ToList();
        var max = Math.Max(1, bars.Max(b => b.Value));
        var width = bars.Count * (barWidth + gap) + gap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"distribution\" viewBox=\"0 0 {width} {top + height + bottom}\" role=\"img\" aria-label=\"Распределение оценок\" style=\"max-width:{width * 2}px\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (score, count) = (bars[i].Key, bars[i].Value);
            var x = gap + i * (barWidth + gap);
            var h = count == 0 ? 0 : Math.Max(2, (int)Math.Round((double)height * count / max));
            var color = ColorOf(int.Parse(score, CultureInfo.InvariantCulture), stats.Scale);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + height - h}\" width=\"{barWidth}\" height=\"{h}\" rx=\"3\" fill=\"{color}\"><title>{score}: {count}</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"count\" data-score=\"{score}\" x=\"{x + barWidth / 2}\" y=\"{top + height - h - 5}\" text-anchor=\"middle\" font-size=\"13\">{count}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 17}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5b6670\">{score}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

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
