using System.Text;
using Comms.Audience.Features.Channels;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Features.Value;
using Comms.StaffAccounts.Pages;
using static Comms.Audience.Features.Analytics.RussianFormat;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.Audience.Features.Analytics;

/// <summary>
/// The managers' analytics page: a GET form of filters, the segments' sizes and values (a table and inline SVG bars),
/// the patients to bring back, the portrait of a segment, and the model in words. Server-rendered Russian HTML, no
/// script; everything from the MIS (ids, cities, sources) is HTML-escaped.
/// </summary>
public static class AnalyticsPage
{
    public const string Title = "Аналитика пациентов";

    /// <summary>The clinic's figures as of the date; its patients only (a chain's model is the chain's).</summary>
    /// <param name="Channels">What Comms' messages sent in the period did, a row per channel.</param>
    /// <param name="Timing">Confirmation and no-show rates of the period's messages by lead time and hour.</param>
    /// <param name="Recall">How often patients come back for each service, up to the date.</param>
    public sealed record Figures(
        ScopeModel Model, IReadOnlyList<PatientFigures> Patients, ClinicPortrait Portrait,
        IReadOnlyList<ChannelRow> Channels, IReadOnlyList<TimingRow> Timing, IReadOnlyList<RecallRow> Recall);

    /// <param name="Portrait">The segment whose portrait is shown; null for every patient.</param>
    /// <param name="BaseUrl">This service's address as the browser reached it, for the import's example.</param>
    public sealed record View(
        string Manager,
        IReadOnlyList<string> Clinics,
        string? ClinicId,
        DateOnly AsOf,
        DateOnly From,
        DateOnly To,
        string? Portrait,
        string List,
        int Page,
        Figures? Figures,
        int MinimumRepeatPatients,
        string BaseUrl);

    public static readonly IReadOnlyDictionary<string, string> Colors = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Segments.Vip] = "#7b4fd6",
        [Segments.Stable] = "#2e9d5b",
        [Segments.OneTime] = "#8a96a3",
        [Segments.Unprofitable] = "#e0a526",
        [Segments.New] = "#1f6feb",
        [Segments.AtRisk] = "#d0483e",
        [Segments.Lost] = "#4b5560",
    };

    public static string Render(View view)
    {
        var html = new StringBuilder();
        Header(html, Title, view.Manager, AnalyticsSignIn.SignOutPath);
        Filters(html, view);
        if (view.ClinicId is not { } clinic)
        {
            html.Append("<section class=\"panel\" id=\"empty\"><h2>Клиник с историей пока нет</h2>")
                .Append("<p>Audience ещё не получил ни одного визита. ");
            HowToImport(html, view.BaseUrl, "msk-1");
            html.Append("</section>");
            return Layout(Title, html.ToString());
        }

        html.Append("<p class=\"muted\" id=\"context\">Клиника <b>").Append(E(clinic)).Append("</b> · на конец дня ").Append(E(Date(view.AsOf)));
        if (view.Figures is { Model.Clinics.Length: > 1 } chain)
        {
            html.Append(" · модель и пороги сегментов общие для сети: ").Append(E(string.Join(", ", chain.Model.Clinics)));
        }

        html.Append("</p>");
        if (view.Figures is not { Patients.Count: > 0 } figures)
        {
            html.Append("<section class=\"panel\" id=\"empty\"><h2>По клинике ").Append(E(clinic)).Append(" пока нет истории визитов</h2>")
                .Append("<p>На ").Append(E(Date(view.AsOf))).Append(" Audience не знает ни одного визита её пациентов, поэтому сегментов, списка риска и портрета ещё нет. ");
            HowToImport(html, view.BaseUrl, clinic);
            html.Append("</section>");
            return Layout(Title, html.ToString());
        }

        var segments = SegmentSummary.Of([.. figures.Patients]);
        var list = SegmentSummary.AtRisk(figures.Patients, view.List == "with_lost");
        var atRisk = segments.Single(s => s.Segment == Segments.AtRisk);
        html.Append("<section class=\"cards money\">");
        Card(html, "patients", "Пациентов", E(Number(figures.Patients.Count)));
        Card(html, "total-ltv", "LTV всех пациентов", E(Rubles(segments.Sum(s => s.TotalLtv))));
        Card(html, "at-risk-count", "В зоне риска", $"{E(Number(atRisk.Patients))}<small class=\"muted\"> {E(Percent(atRisk.Share))}</small>");
        Card(html, "value-at-risk", view.List == "with_lost" ? "Под угрозой (с потерянными)" : "Под угрозой", E(Rubles(list.Sum(p => p.ValueAtRisk))));
        html.Append("</section>");

        SegmentsSection(html, segments);
        AtRiskSection(html, view, clinic, list);
        PortraitSection(html, view, figures.Portrait);
        ChannelsSection(html, view, figures.Channels);
        TimingSection(html, figures.Timing, figures.Recall);
        ModelSection(html, figures.Model, view.MinimumRepeatPatients);
        return Layout(Title, html.ToString());
    }

    private static void Filters(StringBuilder html, View view)
    {
        var form = new FilterForm("/analytics")
            .Select("Клиника", "clinicId", "clinic", view.Clinics.Select(c => (c, c)), view.ClinicId)
            .Date("На дату", "asOf", "as-of", $"{view.AsOf:yyyy-MM-dd}")
            .Date("Сообщения с", "from", "from", $"{view.From:yyyy-MM-dd}")
            .Date("по", "to", "to", $"{view.To:yyyy-MM-dd}")
            .Select("Портрет", "portrait", "portrait", Segments.All.Select(s => (s, Segments.Title(s))), view.Portrait, any: "все пациенты")
            .Select("Список", "list", "list", AnalyticsEndpoints.Lists, view.List)
            .Submit("apply", "Показать");
        if (view.Figures is { Patients.Count: > 0 })
        {
            form.Link("csv", ExportUrl(view), "Скачать список для Excel", "Пациенты из списка ниже, все страницы: разделитель «;», открывается в Excel двойным щелчком");
        }

        html.Append(form);
    }

    private static string ExportUrl(View view) =>
        $"/analytics/at-risk.csv?clinicId={Uri.EscapeDataString(view.ClinicId ?? "")}&asOf={view.AsOf:yyyy-MM-dd}&list={Uri.EscapeDataString(view.List)}";

    private static string PageUrl(View view, int page) =>
        $"/analytics?clinicId={Uri.EscapeDataString(view.ClinicId ?? "")}&asOf={view.AsOf:yyyy-MM-dd}&portrait={Uri.EscapeDataString(view.Portrait ?? "")}" +
        $"&from={view.From:yyyy-MM-dd}&to={view.To:yyyy-MM-dd}&list={Uri.EscapeDataString(view.List)}&page={page}#at-risk";

    private static void HowToImport(StringBuilder html, string baseUrl, string clinic)
    {
        var url = $"{baseUrl}/api/v1/audience/imports/visits?clinicId={Uri.EscapeDataString(clinic)}";
        html.Append("Чтобы аналитика появилась сразу, загрузите историю визитов из МИС файлом CSV (UTF-8 или Windows-1251, ")
            .Append("разделитель «;» или «,»): строка на визит, колонки <code>patientId</code>, <code>date</code>, <code>amount</code> и ")
            .Append("<code>status</code> (<code>completed</code>, <code>cancelled</code>, <code>no_show</code>), например:</p>")
            .Append("<pre id=\"import-csv\"><code>patientId;date;amount;status\nP-1001;2025-03-15;2500;completed\nP-1001;2025-09-02;3100,50;completed\nP-1002;2025-04-01;;no_show</code></pre>")
            .Append("<p>Отправьте файл с ключом клиники (тем же, с которым МИС шлёт события):</p>")
            .Append("<pre id=\"import-example\"><code>curl -X POST -H \"X-Api-Key: ключ клиники\" -H \"Content-Type: text/csv\" \\\n     --data-binary @visits.csv \"")
            .Append(E(url)).Append("\"</code></pre>")
            .Append("<p>Пол, дату рождения, город и источник пациентов — так же, в <code>/api/v1/audience/imports/patients?clinicId=")
            .Append(E(clinic)).Append("</code>. Дальше история пополняется сама из событий МИС. Подробно — docs/audience.md, раздел «History imports».</p>");
    }

    private static void SegmentsSection(StringBuilder html, IReadOnlyList<SegmentRow> segments)
    {
        html.Append("<section class=\"panel\" id=\"segments\"><h2>Сегменты</h2><div class=\"grid\"><div><h3>Пациентов</h3>")
            .Append(Charts.Bars("segment-patients", "Пациентов по сегментам", [.. segments.Select(s =>
                new ChartBar(s.Title, s.Patients, $"{Number(s.Patients)} · {Percent(s.Share)}", Colors[s.Segment], s.Segment))]))
            .Append("</div><div><h3>LTV, сумма</h3>")
            .Append(Charts.Bars("segment-ltv", "LTV по сегментам", [.. segments.Select(s =>
                new ChartBar(s.Title, (double)s.TotalLtv, $"{Rubles(s.TotalLtv)} · {Percent(s.LtvShare)}", Colors[s.Segment], s.Segment))]))
            .Append("</div></div>");
        html.Append("<div class=\"scroll\"><table id=\"segment-table\" class=\"compact\"><thead><tr><th>Сегмент</th><th class=\"n\">Пациентов</th><th class=\"n wide\">Доля</th>")
            .Append("<th class=\"n wide\">LTV, сумма</th><th class=\"n wide\">Доля LTV</th><th class=\"n\">Средний LTV</th></tr></thead><tbody>");
        foreach (var s in segments)
        {
            html.Append("<tr data-segment=\"").Append(E(s.Segment)).Append("\"><td>").Append(E(s.Title)).Append("</td><td class=\"n\">").Append(E(Number(s.Patients)))
                .Append("</td><td class=\"n wide\">").Append(E(Percent(s.Share))).Append("</td><td class=\"n wide\">").Append(E(Rubles(s.TotalLtv)))
                .Append("</td><td class=\"n wide\">").Append(E(Percent(s.LtvShare))).Append("</td><td class=\"n\">").Append(s.AverageLtv is { } a ? E(Rubles(a)) : "—")
                .Append("</td></tr>");
        }

        var total = segments.Sum(s => s.Patients);
        var ltv = segments.Sum(s => s.TotalLtv);
        html.Append("</tbody><tfoot><tr><td>Всего</td><td class=\"n\">").Append(E(Number(total))).Append("</td><td class=\"n wide\">").Append(E(Percent(total == 0 ? 0 : 1)))
            .Append("</td><td class=\"n wide\">").Append(E(Rubles(ltv))).Append("</td><td class=\"n wide\">").Append(E(Percent(ltv == 0 ? 0 : 1)))
            .Append("</td><td class=\"n\">").Append(total == 0 ? "—" : E(Rubles(ltv / total))).Append("</td></tr></tfoot></table></div>")
            .Append("<p class=\"muted\">LTV — сколько пациент принесёт клинике за всё время: средний чек × визитов в год × срок жизни пациента в клинике ")
            .Append("(он — в разделе «Модель»). Причины, по которым пациент попал в сегмент, — в списке ниже и в API.</p></section>");
    }

    private static void AtRiskSection(StringBuilder html, View view, string clinic, List<PatientFigures> list)
    {
        var pages = Math.Max(1, (list.Count + AnalyticsEndpoints.PageSize - 1) / AnalyticsEndpoints.PageSize);
        var page = Math.Min(view.Page, pages);
        var shown = list.Skip((page - 1) * AnalyticsEndpoints.PageSize).Take(AnalyticsEndpoints.PageSize).ToList();
        html.Append("<section class=\"panel\" id=\"at-risk\"><h2>").Append(view.List == "with_lost" ? "В зоне риска и потерянные" : "В зоне риска")
            .Append(": кого вернуть</h2>")
            .Append("<p class=\"muted\" id=\"no-names\">Audience не хранит имён и телефонов пациентов: в списке — номер пациента в МИС, ")
            .Append("карточку найдите в МИС по нему. Первыми — те, с кем клиника может потерять больше всего: ")
            .Append("под угрозой = LTV × вероятность, что пациент уже ушёл.</p>");
        if (list.Count == 0)
        {
            html.Append("<p id=\"at-risk-empty\">Сейчас никого: ни у одного пациента клиники ").Append(E(clinic)).Append(" нет сигналов ухода.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table id=\"at-risk-table\" class=\"stacked\"><thead><tr><th class=\"n\">№</th><th>Пациент (номер в МИС)</th><th class=\"n\">Под угрозой</th>")
            .Append("<th class=\"n\">LTV</th><th>Последний визит</th><th class=\"n\">Визитов</th><th>Почему</th></tr></thead><tbody>");
        var number = (page - 1) * AnalyticsEndpoints.PageSize;
        foreach (var p in shown)
        {
            html.Append("<tr><td class=\"n lead\">").Append(++number).Append("</td><td class=\"lead\"><code class=\"patient\">").Append(E(p.PatientId)).Append("</code>");
            if (p.Segment == Segments.Lost)
            {
                html.Append(" <small class=\"muted\">потерян</small>");
            }

            html.Append("</td><td class=\"n\" data-label=\"Под угрозой\">").Append(E(Rubles(p.ValueAtRisk)))
                .Append("</td><td class=\"n\" data-label=\"LTV\">").Append(E(Rubles(p.Ltv)))
                .Append("</td><td data-label=\"Последний визит\">")
                .Append(p.LastVisit is { } last ? $"{E(last.ToString("dd.MM.yyyy", Culture))}<br class=\"soft\"> <small class=\"muted\">{E(Days(p.DaysSinceLastVisit ?? 0, 0))} назад</small>" : "—")
                .Append("</td><td class=\"n\" data-label=\"Визитов\">").Append(E(Number(p.Visits))).Append("</td><td class=\"reasons\">")
                .Append(string.Join("<br>", p.Reasons.Select(r => E(r.Text)))).Append("</td></tr>");
        }

        html.Append("</tbody></table></div><div class=\"pager\" id=\"pager\"><span class=\"muted\">Показаны ")
            .Append((page - 1) * AnalyticsEndpoints.PageSize + 1).Append('–').Append(number).Append(" из ").Append(E(Number(list.Count))).Append("</span>");
        if (page > 1)
        {
            html.Append("<a id=\"previous\" href=\"").Append(E(PageUrl(view, page - 1))).Append("\">← предыдущие</a>");
        }

        if (page < pages)
        {
            html.Append("<a id=\"next\" href=\"").Append(E(PageUrl(view, page + 1))).Append("\">следующие →</a>");
        }

        html.Append("</div></section>");
    }

    private static void PortraitSection(StringBuilder html, View view, ClinicPortrait clinic)
    {
        var portrait = view.Portrait is null ? clinic.All : clinic.Segments.Single(s => s.Segment == view.Portrait);
        html.Append("<section class=\"panel\" id=\"portrait\"><h2>Портрет: ").Append(E(portrait.Segment is null ? "все пациенты" : portrait.Title))
            .Append(" <small class=\"muted\">").Append(E(Count(portrait.Patients, "пациент", "пациента", "пациентов"))).Append("</small></h2>");
        if (portrait.Patients == 0)
        {
            html.Append("<p>В этом сегменте сейчас никого. Выберите другой сегмент в поле «Портрет».</p></section>");
            return;
        }

        if (IsUnknown(portrait))
        {
            html.Append("<p id=\"no-traits\">МИС не передала о пациентах ").Append(portrait.Segment is null ? "клиники" : "этого сегмента")
                .Append(" ни возраста, ни пола, ни города, ни источника. Их можно загрузить файлом: <code>POST /api/v1/audience/imports/patients?clinicId=")
                .Append(E(clinic.ClinicId)).Append("</code> с колонками <code>patientId</code>, <code>birthDate</code>, <code>sex</code>, <code>city</code>, ")
                .Append("<code>district</code>, <code>acquisitionSource</code>, <code>referredBy</code>; дальше их обновляют события МИС.</p></section>");
            return;
        }

        html.Append("<p class=\"muted\">Сегмент выбирается в поле «Портрет» выше. Возраст — на ").Append(E(Date(view.AsOf)))
            .Append("; «не указан» — МИС не передала это о пациенте.</p><h3>Возраст</h3>")
            .Append(Charts.Columns("ages", "Возраст", [.. portrait.Ages.Select(a => new ChartBar(a.Label, a.Patients, Percent(a.Share), "#1f6feb", a.Key,
                $"{a.Label}: {Count(a.Patients, "пациент", "пациента", "пациентов")}"))], barWidth: 48, gap: 12, maxScale: 1.25))
            .Append("<div class=\"grid\">");
        Distribution(html, "sexes", "Пол", portrait.Sexes);
        Distribution(html, "sources", "Откуда пришли", portrait.Sources);
        Distribution(html, "channels", "Предпочитаемый канал", portrait.Channels);
        Distribution(html, "cities", "Город", portrait.Cities);
        Distribution(html, "districts", "Район", portrait.Districts);
        html.Append("</div>");

        var r = portrait.Referral;
        html.Append("<h3>Пришедшие по рекомендации</h3><p id=\"referral\">");
        if (r.Ratio is { } ratio)
        {
            var more = ratio - 1;
            html.Append("Средний LTV пациентов, пришедших по рекомендации, — <b>").Append(E(Rubles(r.ReferredAverageLtv!.Value))).Append("</b> (")
                .Append(E(Count(r.Referred, "пациент", "пациента", "пациентов"))).Append("), у остальных — <b>").Append(E(Rubles(r.OthersAverageLtv!.Value)))
                .Append("</b> (").Append(E(Count(r.Others, "пациент", "пациента", "пациентов"))).Append("): ")
                .Append(more >= 0 ? "<b>на " + E(Percent(more)) + " больше</b>" : "<b>на " + E(Percent(-more)) + " меньше</b>")
                .Append(". По данным рынка рекомендованные пациенты ценнее на 30–40 %. По рекомендации — это источник «по рекомендации» или пациент, о котором МИС знает, кто его направил.");
        }
        else
        {
            html.Append("Сравнить не с чем: ").Append(r.Referred == 0
                ? "среди пациентов с визитами нет пришедших по рекомендации (источник <code>referral</code> или «кто направил» из МИС)."
                : "все пациенты с визитами пришли по рекомендации.");
        }

        html.Append("</p></section>");
    }

    /// <summary>Nothing known of anyone in the group: no chart would say more than «не указан».</summary>
    private static bool IsUnknown(Portrait portrait) =>
        new[] { portrait.Ages, portrait.Sexes, portrait.Cities, portrait.Districts, portrait.Sources, portrait.Channels }
            .All(shares => shares.Where(s => s.Patients > 0).All(s => s.Key == PatientPortraits.Unknown));

    private static void Distribution(StringBuilder html, string id, string title, IReadOnlyList<PortraitShare> shares)
    {
        html.Append("<div><h3>").Append(E(title)).Append("</h3>");
        html.Append(shares.Count == 0
            ? "<p class=\"muted\">не указано ни у кого</p>"
            : Charts.Bars(id, title, [.. shares.Select(s => new ChartBar(s.Label, s.Patients, $"{Number(s.Patients)} · {Percent(s.Share)}",
                s.Key is PatientPortraits.Unknown or PatientPortraits.Other ? "#b8c0c8" : "#1f6feb", s.Key))]));
        html.Append("</div>");
    }

    /// <summary>Fewer messages than this in a lead time and its rate is not offered as a recommendation.</summary>
    public const int MinimumForRecommendation = 20;

    private static void ChannelsSection(StringBuilder html, View view, IReadOnlyList<ChannelRow> rows)
    {
        html.Append("<section class=\"panel\" id=\"channels\"><h2>Каналы</h2><p class=\"muted\">Сообщения пациентам клиники, отправленные с ")
            .Append(E(Date(view.From))).Append(" по ").Append(E(Date(view.To))).Append(" (период — в фильтрах выше). Неявка — по итогам визитов из МИС; ")
            .Append("расход — по ценам, которые сообщил провайдер.</p>");
        if (rows.Count == 0)
        {
            html.Append("<p id=\"channels-empty\">За этот период Comms не отправлял сообщений пациентам клиники.</p></section>");
            return;
        }

        html.Append("<div class=\"scroll\"><table id=\"channel-table\" class=\"compact\"><thead><tr><th>Канал</th><th class=\"n\">Сообщений</th>")
            .Append("<th class=\"n\">Доставлено</th><th class=\"n\">Ответили</th><th class=\"n\">Подтвердили</th><th class=\"n\">Отменили ответом</th>")
            .Append("<th class=\"n wide\">Неявка после подтверждения</th><th class=\"n wide\">Неявка без ответа</th><th class=\"n\">Расход</th>")
            .Append("<th class=\"n wide\">За доставленное</th><th class=\"n wide\">За подтверждённый визит</th><th class=\"n wide\">До ответа (медиана)</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            html.Append("<tr data-channel=\"").Append(E(r.Channel)).Append("\"><td>").Append(E(ChannelTitle(r.Channel))).Append("</td><td class=\"n\">").Append(E(Number(r.Messages)))
                .Append("</td><td class=\"n\">").Append(E(Number(r.Delivered))).Append(Share(r.DeliveryRate))
                .Append("</td><td class=\"n\">").Append(E(Number(r.Replied))).Append(Share(r.ReplyRate))
                .Append("</td><td class=\"n\">").Append(E(Number(r.Confirmed))).Append(Share(r.ConfirmationRate))
                .Append("</td><td class=\"n\">").Append(E(Number(r.CancelledByReply)))
                .Append("</td><td class=\"n wide\">").Append(Rate(r.NoShowAfterConfirmed)).Append("</td><td class=\"n wide\">").Append(Rate(r.NoShowUnconfirmed))
                .Append("</td><td class=\"n\">").Append(E(Rubles(r.Cost)))
                .Append("</td><td class=\"n wide\">").Append(r.CostPerDelivered is { } d ? E(Rubles(d)) : "—")
                .Append("</td><td class=\"n wide\">").Append(r.CostPerConfirmedVisit is { } c ? E(Rubles(c)) : "—")
                .Append("</td><td class=\"n wide\">").Append(r.MedianMinutesToAnswer is { } m ? E(Number(m, "#,##0")) + "&nbsp;мин" : "—")
                .Append("</td></tr>");
        }

        html.Append("</tbody></table></div><p class=\"muted\">По шаблонам и сегментам — в API: <code>GET /api/v1/audience/clinics/")
            .Append(E(view.ClinicId ?? "")).Append("/channels</code>.</p></section>");
    }

    private static void TimingSection(StringBuilder html, IReadOnlyList<TimingRow> timing, IReadOnlyList<RecallRow> recall)
    {
        html.Append("<section class=\"panel\" id=\"timing\"><h2>Когда напоминать</h2>");
        var leads = timing.Where(t => t.Bucket.StartsWith("lead:", StringComparison.Ordinal)).ToList();
        if (leads.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"timing-empty\">За период нет сообщений о записях, по которым известен итог визита: сравнивать время напоминаний пока не по чему.</p>");
        }
        else
        {
            var best = leads.Where(t => t.Kind == "confirmation" && t.Messages >= MinimumForRecommendation && t.ConfirmationRate is not null)
                .OrderByDescending(t => t.ConfirmationRate).FirstOrDefault();
            html.Append("<p id=\"timing-advice\">");
            if (best is not null)
            {
                html.Append("Чаще всего подтверждают запрос, отправленный <b>").Append(E(LeadTitle(best.Bucket))).Append("</b>: ")
                    .Append(E(Percent(best.ConfirmationRate!.Value))).Append(" из ").Append(E(Number(best.Messages)))
                    .Append(". Сравните с правилами напоминаний клиники (Scheduling, docs/reminders.md): там задаётся, за сколько часов до визита уходит запрос подтверждения.");
            }
            else
            {
                html.Append("Для совета мало данных: нужно хотя бы ").Append(E(Number(MinimumForRecommendation)))
                    .Append(" запросов подтверждения с одним временем отправки.");
            }

            html.Append("</p><div class=\"scroll\"><table id=\"timing-table\" class=\"compact\"><thead><tr><th>Сообщение</th><th>Когда отправлено</th>")
                .Append("<th class=\"n\">Сообщений</th><th class=\"n\">Подтвердили</th><th class=\"n\">Не пришли</th></tr></thead><tbody>");
            foreach (var t in leads)
            {
                html.Append("<tr data-bucket=\"").Append(E(t.Kind + ":" + t.Bucket)).Append("\"><td>").Append(t.Kind == "confirmation" ? "запрос подтверждения" : "напоминание")
                    .Append("</td><td>").Append(E(LeadTitle(t.Bucket))).Append("</td><td class=\"n\">").Append(E(Number(t.Messages)))
                    .Append("</td><td class=\"n\">").Append(t.Kind == "confirmation" ? Rate(t.ConfirmationRate) : "—")
                    .Append("</td><td class=\"n\">").Append(Rate(t.NoShowRate)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        var services = recall.Where(r => r.By == "service").OrderByDescending(r => r.Intervals).ThenBy(r => r.Key, StringComparer.Ordinal).Take(15).ToList();
        html.Append("<h3>Через сколько возвращаются</h3>");
        if (services.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"recall-empty\">Повторных визитов на одну и ту же услугу пока нет.</p></section>");
            return;
        }

        html.Append("<p class=\"muted\">Дни между визитами одного пациента на одну услугу. Рекомендуемый интервал повторного напоминания — медиана: ")
            .Append("половина вернувшихся получит напоминание раньше, чем пришла бы сама.</p>")
            .Append("<div class=\"scroll\"><table id=\"recall-table\" class=\"compact\"><thead><tr><th>Услуга</th><th class=\"n\">Повторов</th><th class=\"n\">Пациентов</th>")
            .Append("<th class=\"n wide\">Четверть возвращается за</th><th class=\"n wide\">Три четверти — за</th><th class=\"n\">Напоминать через</th></tr></thead><tbody>");
        foreach (var r in services)
        {
            html.Append("<tr data-service=\"").Append(E(r.Key)).Append("\"><td>").Append(E(r.Key)).Append("</td><td class=\"n\">").Append(E(Number(r.Intervals)))
                .Append("</td><td class=\"n\">").Append(E(Number(r.Patients))).Append("</td><td class=\"n wide\">").Append(E(Days(r.LowerQuartileDays, 0)))
                .Append("</td><td class=\"n wide\">").Append(E(Days(r.UpperQuartileDays, 0))).Append("</td><td class=\"n\"><b>").Append(E(Days(r.RecommendedDays, 0)))
                .Append("</b></td></tr>");
        }

        html.Append("</tbody></table></div><p class=\"muted\">Все услуги и специальности — в API: <code>…/recall-intervals</code>.</p></section>");
    }

    private static string ChannelTitle(string channel) =>
        PatientPortraits.ChannelTitles.FirstOrDefault(c => c.Key == channel && c.Key != PatientPortraits.Unknown).Label ?? "не указан";

    private static string LeadTitle(string bucket) => bucket switch
    {
        "lead:72h" => "за 48 часов и раньше",
        "lead:24h" => "за 12–48 часов",
        "lead:2h" => "меньше чем за 12 часов",
        _ => "после начала визита",
    };

    private static string Share(double? rate) => rate is { } r ? $" <small class=\"muted\">{E(Percent(r))}</small>" : "";

    private static string Rate(double? rate) => rate is { } r ? E(Percent(r)) : "—";

    private static void ModelSection(StringBuilder html, ScopeModel model, int minimumRepeatPatients)
    {
        html.Append("<section class=\"panel\" id=\"model\"><h2>Модель</h2><ul>");
        if (model.BgNbd is { } fit)
        {
            var p = fit.Parameters;
            html.Append("<li id=\"bgnbd\">Вероятностная модель BG/NBD <b>подобрана</b> по ").Append(E(Count(fit.Customers, "пациенту", "пациентам", "пациентам")))
                .Append(" (повторно приходили ").Append(E(Number(model.RepeatPatients))).Append("). Время — в днях.</li>")
                .Append("<li>Частота визитов: r = ").Append(E(Number(p.R, "#,##0.###"))).Append(", α = ").Append(E(Days(p.Alpha, 1)))
                .Append(" — пока пациент с клиникой, он приходит в среднем раз в ").Append(E(Days(p.Alpha / p.R, 0))).Append(".</li>")
                .Append("<li>Уход: a = ").Append(E(Number(p.A, "#,##0.###"))).Append(", b = ").Append(E(Number(p.B, "#,##0.###")))
                .Append(" — после каждого визита пациент уходит насовсем с вероятностью около ").Append(E(Percent(p.A / (p.A + p.B)))).Append(".</li>");
            if (model.GammaGamma is { } spend)
            {
                var g = spend.Parameters;
                html.Append("<li>Средний чек (модель Gamma-Gamma): p = ").Append(E(Number(g.P, "#,##0.###"))).Append(", q = ").Append(E(Number(g.Q, "#,##0.###")))
                    .Append(", γ = ").Append(E(Number(g.Gamma, "#,##0.###")));
                if (g.Q > 1)
                {
                    html.Append(" — в среднем по клинике ").Append(E(Rubles((decimal)GammaGamma.PopulationMeanValue(g)))).Append(" за визит");
                }

                html.Append(".</li>");
            }
            else
            {
                html.Append("<li>Модель среднего чека (Gamma-Gamma) не подобрана: мало пациентов с повторными оплаченными визитами; чек каждого берётся из его истории.</li>");
            }
        }
        else
        {
            html.Append("<li id=\"bgnbd\">Вероятностная модель BG/NBD <b>не подобрана</b>: пациентов с повторными визитами ")
                .Append(E(Number(model.RepeatPatients))).Append(", а нужно не меньше ").Append(E(Number(minimumRepeatPatients)))
                .Append(" (Audience:MinimumRepeatPatients). Пока сегменты и сигналы считаются по LTV и интервалам между визитами, без вероятности ухода.</li>");
        }

        html.Append("<li id=\"lifetime\">Срок жизни пациента в клинике: <b>").Append(E(Years(model.LifetimeYears))).Append("</b> — ")
            .Append(model.LifetimeSource == "lapsed_patients"
                ? $"посчитан по самой клинике: средний срок пациентов, которые приходили не меньше двух раз и не приходят дольше {E(Days(model.Thresholds.LostAfterDays, 0))}."
                : "значение по умолчанию (Audience:DefaultLifetimeYears): ушедших пациентов, по которым его можно измерить, пока меньше 30.")
            .Append("</li>");
        if (model.VipLtvLine > 0)
        {
            html.Append("<li>Порог VIP: LTV от ").Append(E(Rubles(model.VipLtvLine))).Append(" (верхние ")
                .Append(E(Percent(1 - model.Thresholds.VipLtvQuantile))).Append(") и не меньше ")
                .Append(E(Count(model.Thresholds.VipMinVisits, "визита", "визитов", "визитов"))).Append(".</li>");
        }

        html.Append("</ul></section>");
    }
}
