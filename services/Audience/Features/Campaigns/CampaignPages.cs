using System.Globalization;
using System.Text;
using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.StaffAccounts;
using Comms.StaffAccounts.Pages;
using static Comms.Audience.Features.Analytics.RussianFormat;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// The campaigns' pages: the list, the builder (a form), a campaign's card with its live preview, the approver's
/// launch, pause, resume and stop, the results with their charts, and the audit log. Server-rendered Russian HTML, no
/// script; every value from people and the MIS is HTML-escaped; every form carries its antiforgery token.
/// </summary>
public static class CampaignPages
{
    public const string Title = "Рассылки";

    /// <summary>The form's hidden antiforgery field.</summary>
    public sealed record Token(string Name, string Value)
    {
        public string Html => $"<input type=\"hidden\" name=\"{E(Name)}\" value=\"{E(Value)}\">";
    }

    public static string StatusTitle(string status) => status switch
    {
        CampaignStatuses.Draft => "черновик",
        CampaignStatuses.Running => "идёт",
        CampaignStatuses.Paused => "на паузе",
        CampaignStatuses.Stopped => "остановлена",
        CampaignStatuses.Completed => "завершена",
        _ => status,
    };

    public static string ChannelTitle(string channel) => channel switch
    {
        Contracts.Channels.Sms => "SMS",
        Contracts.Channels.Max => "MAX",
        Contracts.Channels.WhatsApp => "WhatsApp",
        Contracts.Channels.Email => "эл. почта",
        _ => channel,
    };

    private static string ActionTitle(string action) => action switch
    {
        CampaignActions.Created => "создал(а)",
        CampaignActions.Edited => "изменил(а)",
        CampaignActions.Approved => "утвердил(а)",
        CampaignActions.Launched => "запустил(а)",
        CampaignActions.Paused => "поставил(а) на паузу",
        CampaignActions.Resumed => "возобновил(а)",
        CampaignActions.Stopped => "остановил(а)",
        CampaignActions.Completed => "завершилась",
        CampaignActions.BatchMade => "собрал(а) партию дня",
        _ => action,
    };

    public static string List(StaffUser staff, IReadOnlyList<CampaignSummary> campaigns)
    {
        var html = new StringBuilder();
        Header(html, Title, staff.DisplayName, AnalyticsSignIn.SignOutPath);
        Nav(html, staff);
        if (staff.Is(StaffRoles.Marketer))
        {
            html.Append("<p><a class=\"button\" id=\"new\" href=\"/campaigns/new\">Новая рассылка</a></p>");
        }

        if (campaigns.Count == 0)
        {
            html.Append("<section class=\"panel\" id=\"empty\"><h2>Рассылок пока нет</h2><p>Маркетолог создаёт рассылку; её утверждает и запускает другой сотрудник с ролью «утверждающий» (38-ФЗ ст. 18 ч. 2).</p></section>");
            return Layout(Title, html.ToString());
        }

        html.Append("<section class=\"panel scroll\"><table id=\"campaigns\" class=\"stacked\"><thead><tr><th>Название</th><th>Вид</th><th>Состояние</th><th>Клиники</th><th>Создал(а)</th><th>Утвердил(а)</th><th>Запущена</th></tr></thead><tbody>");
        foreach (var c in campaigns)
        {
            html.Append("<tr data-id=\"").Append(c.Id).Append("\"><td class=\"lead\"><a href=\"/campaigns/").Append(c.Id).Append("\">").Append(E(c.Name)).Append("</a></td>")
                .Append("<td data-label=\"Вид\" class=\"kind\">").Append(E(c.Kind == CampaignKinds.Journey ? "сценарий" : "рассылка")).Append("</td>")
                .Append("<td data-label=\"Состояние\" class=\"status\">").Append(E(StatusTitle(c.Status))).Append("</td>")
                .Append("<td data-label=\"Клиники\">").Append(E(string.Join(", ", c.ClinicIds))).Append("</td>")
                .Append("<td data-label=\"Создал(а)\">").Append(E(c.CreatedBy)).Append("</td>")
                .Append("<td data-label=\"Утвердил(а)\">").Append(E(c.ApprovedBy ?? "—")).Append("</td>")
                .Append("<td data-label=\"Запущена\">").Append(c.LaunchedAt is { } at ? E(Moment(at)) : "—").Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
        return Layout(Title, html.ToString());
    }

    /// <summary>The builder: a new draft, or a draft's edit (<paramref name="id"/>), with the errors of the last try beside their fields.</summary>
    public static string Builder(
        StaffUser staff, Guid? id, int? revision, IReadOnlyDictionary<string, string> values, IReadOnlyList<string> clinics,
        IReadOnlyDictionary<string, string[]> errors, Token token)
    {
        var title = id is null ? "Новая рассылка" : "Изменить рассылку";
        var html = new StringBuilder();
        Header(html, title, staff.DisplayName, AnalyticsSignIn.SignOutPath);
        Nav(html, staff);
        if (errors.Count > 0)
        {
            html.Append("<p class=\"error\" role=\"alert\" id=\"errors\">Рассылка не сохранена: исправьте отмеченные поля.</p>");
        }

        string V(string name) => values.GetValueOrDefault(name) ?? "";
        void Error(string field)
        {
            if (errors.TryGetValue(field, out var reasons))
            {
                html.Append("<span class=\"error\" id=\"error-").Append(E(field)).Append("\">").Append(E(string.Join("; ", reasons))).Append("</span>");
            }
        }

        void Input(string label, string name, string type, string? hint = null, string extra = "")
        {
            html.Append("<label>").Append(E(label)).Append("<input type=\"").Append(type).Append("\" name=\"").Append(name).Append("\" id=\"").Append(name)
                .Append("\" value=\"").Append(E(V(name))).Append('"').Append(extra).Append('>');
            if (hint is not null)
            {
                html.Append("<small class=\"muted\">").Append(E(hint)).Append("</small>");
            }

            Error(name);
            html.Append("</label>");
        }

        html.Append("<form method=\"post\" class=\"panel stack wide-form\" id=\"builder\" action=\"").Append(id is null ? "/campaigns/new" : $"/campaigns/{id}/edit").Append("\">")
            .Append(token.Html);
        if (revision is { } r)
        {
            html.Append("<input type=\"hidden\" name=\"revision\" value=\"").Append(r.ToString(CultureInfo.InvariantCulture)).Append("\">");
        }

        html.Append("<h2>Что и кому</h2>");
        Input("Название", "name", "text", extra: " maxlength=\"200\" required");
        html.Append("<label>Вид<select name=\"journey\" id=\"journey\">");
        Option(html, "", "Разовая рассылка", V("journey"));
        foreach (var journey in Journeys.All)
        {
            Option(html, journey, "Сценарий: " + Journeys.Title(journey), V("journey"));
        }

        html.Append("</select><small class=\"muted\">Сценарий утверждают один раз; потом каждый день Comms собирает партию по его правилу, и её видно и можно остановить.</small>");
        Error("journey");
        html.Append("</label><div class=\"filters\">");
        Input("За сколько дней до дня рождения", "daysBefore", "number", extra: " min=\"0\" max=\"30\"");
        Input("Писать тому же пациенту не чаще, чем раз в, дней", "repeatAfterDays", "number", extra: " min=\"1\" max=\"730\"");
        html.Append("</div>");
        html.Append("<fieldset id=\"clinics\"><legend>Клиники</legend>");
        var chosenClinics = V("clinicIds").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var clinic in clinics)
        {
            html.Append("<label class=\"check\"><input type=\"checkbox\" name=\"clinicIds\" value=\"").Append(E(clinic)).Append('"')
                .Append(chosenClinics.Contains(clinic) ? " checked" : "").Append('>').Append(E(clinic)).Append("</label>");
        }

        Error("clinicIds");
        html.Append("</fieldset><fieldset id=\"segments\"><legend>Сегменты (ни одного — все)</legend>");
        var chosenSegments = V("segments").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var segment in Segments.All)
        {
            html.Append("<label class=\"check\"><input type=\"checkbox\" name=\"segments\" value=\"").Append(segment).Append('"')
                .Append(chosenSegments.Contains(segment) ? " checked" : "").Append('>').Append(E(Segments.Title(segment))).Append("</label>");
        }

        Error("segments");
        html.Append("</fieldset><div class=\"filters\">");
        Input("Возраст от", "ageFrom", "number", extra: " min=\"0\" max=\"130\"");
        Input("до", "ageTo", "number", extra: " min=\"0\" max=\"130\"");
        html.Append("<label>Пол<select name=\"sex\" id=\"sex\">");
        Option(html, "", "любой", V("sex"));
        Option(html, "female", "женщины", V("sex"));
        Option(html, "male", "мужчины", V("sex"));
        html.Append("</select>");
        Error("sex");
        html.Append("</label>");
        Input("Последний визит с", "lastVisitFrom", "date");
        Input("по", "lastVisitTo", "date");
        html.Append("</div>");
        Input("Услуги в истории (коды через запятую)", "services", "text", "Пациент был хотя бы на одной из них");
        Input("Источники привлечения (через запятую)", "sources", "text", "Как их передаёт МИС: site, referral, yandex_maps…");

        html.Append("<h2>Сообщение</h2>");
        Input("Шаблон (ключ в «Шаблонах сообщений»)", "templateKey", "text", "Рекламный шаблон, опубликованный для выбранных каналов; к SMS и MAX добавляется «Отказ от рассылки: ответьте СТОП»", " required");
        Input("Вариант Б: другой шаблон (необязательно)", "templateKeyB", "text");
        Input("Доля варианта Б, %", "splitPercentB", "number", extra: " min=\"1\" max=\"99\"");
        html.Append("<fieldset id=\"channels\"><legend>Каналы по порядку: пациент получит первый, на который дал согласие на рекламу</legend><div class=\"filters\">");
        var order = V("channels").Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < 3; i++)
        {
            html.Append("<label>").Append(i + 1).Append("-й<select name=\"channels\" id=\"channel-").Append(i + 1).Append("\">");
            Option(html, "", "—", i < order.Length ? order[i] : "");
            foreach (var channel in new[] { Contracts.Channels.Sms, Contracts.Channels.Max, Contracts.Channels.Email, Contracts.Channels.WhatsApp })
            {
                Option(html, channel, ChannelTitle(channel), i < order.Length ? order[i] : "");
            }

            html.Append("</select></label>");
        }

        html.Append("</div>");
        Error("channels");
        html.Append("</fieldset>");

        html.Append("<h2>Когда и как быстро</h2><p class=\"muted\">Время — в часовом поясе первой выбранной клиники.</p><div class=\"filters\">");
        Input("Начало", "startAt", "datetime-local", extra: " required");
        Input("Конец", "endAt", "datetime-local", "Не указан — через 14 дней после начала");
        Input("Окно рассылки с", "windowFrom", "time");
        Input("до", "windowTo", "time");
        Input("Не больше сообщений в час", "throttlePerHour", "number", extra: " min=\"1\"");
        html.Append("</div><h2>Измерение</h2><div class=\"filters\">");
        Input("Контрольная группа, %", "holdoutPercent", "number", "Не получит ничего: с ней сравнивается прирост записей", " min=\"0\" max=\"50\"");
        Input("Запись засчитывается, дней", "attributionDays", "number", extra: " min=\"1\" max=\"90\"");
        Input("Не слать тем, кто получал другую рассылку за, дней", "recentCampaignDays", "number", extra: " min=\"0\" max=\"365\"");
        html.Append("</div><p><button type=\"submit\" id=\"save\">Сохранить черновик</button></p></form>");
        return Layout(title, html.ToString());
    }

    public sealed record CardView(
        StaffUser Staff,
        CampaignView Campaign,
        CampaignPlan Plan,
        string TimeZone,
        CampaignPreview? Preview,
        CampaignResults? Results,
        string? Notice,
        Token Token,
        IReadOnlyList<CampaignSummary> Batches);

    public static string Card(CardView view)
    {
        var c = view.Campaign;
        var plan = view.Plan;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(view.TimeZone);
        var html = new StringBuilder();
        Header(html, c.Name, view.Staff.DisplayName, AnalyticsSignIn.SignOutPath);
        Nav(html, view.Staff);
        if (view.Notice is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\" id=\"notice\">").Append(E(view.Notice)).Append("</p>");
        }

        html.Append("<p>Состояние: <b id=\"status\" data-status=\"").Append(E(c.Status)).Append("\">").Append(E(StatusTitle(c.Status))).Append("</b> · создал(а) <b id=\"author\">")
            .Append(E(c.CreatedBy)).Append("</b>");
        if (c.ApprovedBy is not null)
        {
            html.Append(" · утвердил(а) <b id=\"approver\">").Append(E(c.ApprovedBy)).Append("</b>");
        }

        html.Append("</p>");
        if (c.Kind == CampaignKinds.Batch && c.ParentId is { } parent)
        {
            html.Append("<p id=\"parent\">Партия за ").Append(E(c.BatchDay is { } d ? Date(d) : "")).Append(" сценария <a href=\"/campaigns/").Append(parent)
                .Append("\">«").Append(E(plan.Name.Split(" — ")[0])).Append("»</a>: собрана Comms по утверждению ").Append(E(c.ApprovedBy ?? "")).Append(".</p>");
        }

        html.Append("<section class=\"panel\" id=\"definition\"><h2>Кому и что</h2><dl class=\"grid\">");
        Term(html, "Вид", plan.Journey is null ? "разовая рассылка" : "сценарий: " + Journeys.Title(plan.Journey)
            + (plan.Journey == Journeys.Birthday && plan.DaysBefore > 0 ? $", за {Count(plan.DaysBefore, "день", "дня", "дней")}" : "")
            + (plan.Journey is null ? "" : $"; тому же пациенту не чаще раза в {Count(plan.RepeatAfterDays, "день", "дня", "дней")}"));
        Term(html, "Клиники", string.Join(", ", plan.ClinicIds));
        Term(html, "Сегменты", plan.Segments.Count == 0 ? "все" : string.Join(", ", plan.Segments.Select(Segments.Title)));
        var filters = new List<string>();
        if (plan.AgeFrom is not null || plan.AgeTo is not null)
        {
            filters.Add($"возраст {plan.AgeFrom?.ToString(CultureInfo.InvariantCulture) ?? "0"}–{plan.AgeTo?.ToString(CultureInfo.InvariantCulture) ?? "∞"}");
        }

        if (plan.Sex is not null)
        {
            filters.Add(plan.Sex == "female" ? "женщины" : "мужчины");
        }

        if (plan.LastVisitFrom is not null || plan.LastVisitTo is not null)
        {
            filters.Add($"последний визит {(plan.LastVisitFrom is { } f ? "с " + Date(f) : "")} {(plan.LastVisitTo is { } t ? "по " + Date(t) : "")}".TrimEnd());
        }

        if (plan.Services.Count > 0)
        {
            filters.Add("услуги: " + string.Join(", ", plan.Services));
        }

        if (plan.Sources.Count > 0)
        {
            filters.Add("источники: " + string.Join(", ", plan.Sources));
        }

        Term(html, "Отбор", filters.Count == 0 ? "без дополнительных условий" : string.Join("; ", filters));
        Term(html, "Шаблон", plan.TemplateKeyB is null ? plan.TemplateKey : $"А: {plan.TemplateKey}; Б: {plan.TemplateKeyB} ({plan.SplitPercentB} %)");
        Term(html, "Каналы", string.Join(" → ", plan.Channels.Select(ChannelTitle)));
        Term(html, "Период", $"{Moment(plan.StartAt, zone)} — {Moment(plan.EndAt, zone)}");
        Term(html, "Окно", plan.WindowFrom == plan.WindowTo ? "весь день" : $"{plan.WindowFrom:HH\\:mm}–{plan.WindowTo:HH\\:mm} ({view.TimeZone})");
        Term(html, "Скорость", $"не больше {Number(plan.ThrottlePerHour)} в час");
        Term(html, "Контрольная группа", $"{plan.HoldoutPercent} %");
        Term(html, "Запись засчитывается", Count(plan.AttributionDays, "день", "дня", "дней"));
        html.Append("</dl></section>");

        Actions(html, view);
        if (view.Preview is { } preview)
        {
            PreviewSection(html, preview, zone);
        }

        if (c.Status != CampaignStatuses.Draft)
        {
            html.Append("<section class=\"panel\" id=\"recipients\"><h2>Получатели</h2><p>");
            html.AppendJoin(" · ", c.Recipients.OrderBy(r => r.Key, StringComparer.Ordinal)
                .Select(r => $"<span data-state=\"{E(r.Key)}\">{E(RecipientStates.Title(r.Key))}: <b>{E(Number(r.Value))}</b></span>"));
            html.Append("</p><p class=\"muted\">Список зафиксирован при запуске вместе с записью согласия каждого: <code>GET /api/v1/campaigns/")
                .Append(c.Id).Append("/recipients</code>.</p></section>");
        }

        if (view.Results is { } results)
        {
            ResultsSection(html, c, results);
        }

        if (c.Kind == CampaignKinds.Journey)
        {
            html.Append("<section class=\"panel scroll\" id=\"batches\"><h2>Партии по дням</h2>");
            if (view.Batches.Count == 0)
            {
                html.Append("<p class=\"muted\">Партий ещё нет: первая соберётся в ближайший день сценария, пока открыто окно рассылки.</p>");
            }
            else
            {
                html.Append("<table><thead><tr><th>День</th><th>Состояние</th></tr></thead><tbody>");
                foreach (var b in view.Batches)
                {
                    html.Append("<tr data-id=\"").Append(b.Id).Append("\"><td><a href=\"/campaigns/").Append(b.Id).Append("\">")
                        .Append(E(b.BatchDay is { } day ? Date(day) : b.Name)).Append("</a></td><td class=\"status\">").Append(E(StatusTitle(b.Status))).Append("</td></tr>");
                }

                html.Append("</tbody></table>");
            }

            html.Append("</section>");
        }

        html.Append("<section class=\"panel scroll\" id=\"audit\"><h2>Журнал</h2><table><thead><tr><th>Когда</th><th>Кто</th><th>Что</th><th>Подробности</th></tr></thead><tbody>");
        foreach (var a in c.Audit)
        {
            html.Append("<tr data-action=\"").Append(E(a.Action)).Append("\"><td>").Append(E(Moment(a.At, zone))).Append("</td><td>").Append(E(a.Actor))
                .Append("</td><td>").Append(E(ActionTitle(a.Action))).Append("</td><td>").Append(E(a.Detail ?? "")).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
        return Layout(c.Name, html.ToString());
    }

    private static void Actions(StringBuilder html, CardView view)
    {
        var c = view.Campaign;
        var staff = view.Staff;
        html.Append("<section class=\"panel\" id=\"actions\"><h2>Действия</h2><div class=\"filters\">");
        void Button(string action, string text, string id)
        {
            html.Append("<form method=\"post\" action=\"/campaigns/").Append(c.Id).Append('/').Append(action).Append("\">").Append(view.Token.Html)
                .Append("<input type=\"hidden\" name=\"revision\" value=\"").Append(c.Revision.ToString(CultureInfo.InvariantCulture)).Append("\">")
                .Append("<button type=\"submit\" id=\"").Append(id).Append("\">").Append(E(text)).Append("</button></form>");
        }

        var own = string.Equals(c.CreatedBy, staff.Name, StringComparison.OrdinalIgnoreCase);
        if (c.Status == CampaignStatuses.Draft && staff.Is(StaffRoles.Marketer))
        {
            html.Append("<a class=\"button\" id=\"edit\" href=\"/campaigns/").Append(c.Id).Append("/edit\">Изменить</a>");
        }

        if (c.Status == CampaignStatuses.Draft && staff.Is(StaffRoles.Approver) && !own)
        {
            Button("launch", "Утвердить и запустить", "launch");
        }

        if (c.Status == CampaignStatuses.Running && staff.Is(StaffRoles.Approver))
        {
            Button("pause", "Поставить на паузу", "pause");
        }

        if (c.Status == CampaignStatuses.Paused && staff.Is(StaffRoles.Approver))
        {
            Button("resume", "Возобновить", "resume");
        }

        if (c.Status is CampaignStatuses.Draft or CampaignStatuses.Running or CampaignStatuses.Paused && (staff.Is(StaffRoles.Approver) || (own && staff.Is(StaffRoles.Marketer))))
        {
            Button("stop", "Остановить", "stop");
        }

        html.Append("</div>");
        if (c.Status == CampaignStatuses.Draft)
        {
            html.Append("<p class=\"muted\" id=\"approval-rule\">")
                .Append(own && staff.Is(StaffRoles.Approver)
                    ? "Вы создали эту рассылку: утвердить и запустить её может только другой сотрудник с ролью «утверждающий»."
                    : "Рассылку утверждает и запускает сотрудник с ролью «утверждающий», не тот, кто её создал (38-ФЗ ст. 18 ч. 2).")
                .Append("</p>");
        }

        html.Append("</section>");
    }

    private static void PreviewSection(StringBuilder html, CampaignPreview preview, TimeZoneInfo zone)
    {
        html.Append("<section class=\"panel\" id=\"preview\"><h2>Предпросмотр: если запустить сейчас</h2><section class=\"cards\">");
        StaffHtml.Card(html, "audience", "Подходят под отбор", E(Number(preview.Audience)));
        StaffHtml.Card(html, "will-get", "Получат", E(Number(preview.Recipients)));
        StaffHtml.Card(html, "holdout", "Контрольная группа", E(Number(preview.Holdout)));
        if (preview.VariantB > 0)
        {
            StaffHtml.Card(html, "variant-b", "Из них вариант Б", E(Number(preview.VariantB)));
        }

        html.Append("</section><div class=\"grid\"><div><h3>Согласие на рекламу по каналам</h3><table id=\"consents\"><tbody>");
        foreach (var (channel, count) in preview.ConsentByChannel)
        {
            html.Append("<tr data-channel=\"").Append(E(channel)).Append("\"><td>").Append(E(ChannelTitle(channel))).Append("</td><td class=\"n\">").Append(E(Number(count))).Append("</td></tr>");
        }

        html.Append("</tbody></table><h3>Получат по каналам</h3><table id=\"by-channel\"><tbody>");
        foreach (var (channel, count) in preview.ByChannel.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            html.Append("<tr data-channel=\"").Append(E(channel)).Append("\"><td>").Append(E(ChannelTitle(channel))).Append("</td><td class=\"n\">").Append(E(Number(count))).Append("</td></tr>");
        }

        html.Append("</tbody></table></div><div><h3>Не получат</h3>");
        if (preview.Excluded.Count == 0)
        {
            html.Append("<p class=\"muted\">Все, кто подошёл, получат сообщение (кроме контрольной группы).</p>");
        }
        else
        {
            html.Append("<table id=\"excluded\"><tbody>");
            foreach (var e in preview.Excluded)
            {
                html.Append("<tr data-reason=\"").Append(E(e.Reason)).Append("\"><td>").Append(E(e.Title)).Append("</td><td class=\"n\">").Append(E(Number(e.Count))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</div></div>");
        if (preview.FirstAt is { } first && preview.LastAt is { } last)
        {
            html.Append("<p id=\"schedule\">Первое сообщение — ").Append(E(Moment(first, zone))).Append(", последнее — ").Append(E(Moment(last, zone))).Append(".</p>");
        }

        var cost = preview.Cost;
        html.Append("<h3>Стоимость</h3><p id=\"cost\">");
        if (cost.Total is { } total)
        {
            html.Append("SMS: около <b id=\"cost-total\">").Append(E(total.ToString("N2", Culture))).Append(' ').Append(E(cost.Currency == "RUB" ? "₽" : cost.Currency)).Append("</b>")
                .Append(" — ").Append(E(Number(cost.SmsRecipients))).Append(" SMS, в среднем ")
                .Append(E((cost.SegmentsPerMessage ?? 0).ToString("0.##", Culture))).Append(" части по образцу ниже.");
        }
        else
        {
            html.Append(cost.SmsRecipients == 0 ? "По SMS никто не получит: их стоимость — ноль." : "Стоимость SMS пока не посчитать.");
        }

        html.Append("</p>");
        foreach (var note in cost.Notes)
        {
            html.Append("<p class=\"error\" data-note>").Append(E(note)).Append("</p>");
        }

        if (preview.Texts.Count > 0)
        {
            html.Append("<h3>Так выглядят сообщения</h3><p class=\"muted\">Имя пациента заменено образцом «Анна Сергеевна Иванова»: страницы не показывают имён.</p><div id=\"texts\">");
            foreach (var t in preview.Texts)
            {
                html.Append("<div class=\"review\" data-group=\"").Append(E(t.Group)).Append("\" data-channel=\"").Append(E(t.Channel)).Append("\"><span class=\"muted\">")
                    .Append(E(CampaignResultsReader.GroupTitle(t.Group))).Append(" · ").Append(E(ChannelTitle(t.Channel))).Append(" · ").Append(E(t.TemplateKey))
                    .Append(" v").Append(t.TemplateVersion.ToString(CultureInfo.InvariantCulture));
                if (t.Segments is { } parts)
                {
                    html.Append(" · ").Append(E(Count(parts, "часть", "части", "частей")));
                }

                html.Append("</span>");
                html.Append(t.Text is { } text ? $"<p class=\"text\">{E(text)}</p>" : $"<p class=\"error\">{E(t.Error ?? "не отрисовался")}</p>");
                html.Append("</div>");
            }

            html.Append("</div>");
        }

        html.Append("</section>");
    }

    private static void ResultsSection(StringBuilder html, CampaignView c, CampaignResults results)
    {
        html.Append("<section class=\"panel\" id=\"results\"><h2>Результаты</h2><div class=\"scroll\"><table id=\"results-table\" class=\"stacked\"><thead><tr><th>Группа</th>")
            .Append("<th class=\"n\">Пациентов</th><th class=\"n\">Отправлено</th><th class=\"n\">Доставлено</th><th class=\"n\">Не доставлено</th><th class=\"n\">Отказались</th><th class=\"n\">Ответили</th>")
            .Append("<th class=\"n\">Записей</th><th class=\"n\">Записались</th><th class=\"n\">Выручка</th></tr></thead><tbody>");
        foreach (var g in results.Groups)
        {
            html.Append("<tr data-group=\"").Append(E(g.Group)).Append("\"><td class=\"lead\">").Append(E(g.Title)).Append("</td>");
            Cell(html, "Пациентов", Number(g.Patients));
            Cell(html, "Отправлено", Number(g.Sent));
            Cell(html, "Доставлено", Number(g.Delivered));
            Cell(html, "Не доставлено", Number(g.NotDelivered));
            Cell(html, "Отказались", Number(g.OptedOut));
            Cell(html, "Ответили", Number(g.Replied));
            Cell(html, "Записей", Number(g.Bookings));
            Cell(html, "Записались", $"{Number(g.BookedPatients)} ({Percent(g.BookingRate)})");
            Cell(html, "Выручка", Rubles(g.Revenue));
            html.Append("</tr>");
        }

        html.Append("</tbody></table></div>");
        html.Append(Charts.Columns("booking-rates", "Доля записавшихся по группам",
            [.. results.Groups.Select(g => new ChartBar(g.Group == CampaignGroups.Holdout ? "контроль" : g.Title.Replace("Вариант ", "", StringComparison.Ordinal),
                g.BookingRate, Percent(g.BookingRate), g.Group == CampaignGroups.Holdout ? "#8a96a3" : "#1f6feb", g.Group))], barWidth: 60, height: 100, maxScale: 1));
        if (results.Lift is { } lift)
        {
            html.Append("<p id=\"lift\">Прирост доли записавшихся к контрольной группе: <b>").Append(E(Points(lift.Difference))).Append("</b> (95 % интервал: ")
                .Append(E(Points(lift.Low))).Append(" … ").Append(E(Points(lift.High))).Append(").")
                .Append(lift.Low > 0 ? " Рассылка принесла записи." : lift.High < 0 ? " Рассылка, похоже, отпугнула." : " Пока нельзя утверждать, что рассылка принесла записи: интервал включает ноль.")
                .Append("</p>");
        }
        else
        {
            html.Append("<p class=\"muted\" id=\"lift\">Прирост к контрольной группе появится, когда в ней и среди получивших будут пациенты, чьё время уже подошло.</p>");
        }

        html.Append("<p class=\"muted\">Запись засчитывается рассылке, если МИС сообщила о ней в течение ").Append(E(Count(results.AttributionDays, "дня", "дней", "дней")))
            .Append(" после сообщения (контрольной группе — после времени, когда ей ушло бы сообщение); выручка — оплата завершённых из этих визитов.</p>")
            .Append("<p><a class=\"button\" id=\"results-csv\" href=\"/api/v1/campaigns/").Append(c.Id).Append("/results.csv\">Скачать результаты для Excel</a></p></section>");
    }

    private static void Cell(StringBuilder html, string label, string text) =>
        html.Append("<td class=\"n\" data-label=\"").Append(E(label)).Append("\">").Append(E(text)).Append("</td>");

    private static void Term(StringBuilder html, string term, string value) =>
        html.Append("<div><dt class=\"muted\">").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd></div>");

    private static void Nav(StringBuilder html, StaffUser staff)
    {
        html.Append("<nav class=\"muted\"><a href=\"/campaigns\">Все рассылки</a>");
        if (staff.Is(StaffRoles.Manager))
        {
            html.Append(" · <a href=\"/analytics\">Аналитика пациентов</a>");
        }

        html.Append("</nav>");
    }

    private static string Points(double fraction) => $"{(fraction * 100).ToString("+0.0;−0.0;0.0", Culture)} п. п.";

    private static string Moment(DateTimeOffset at) => at.ToString("dd.MM.yyyy HH:mm 'UTC'", Culture);

    public static string Moment(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("dd.MM.yyyy HH:mm", Culture);
}
