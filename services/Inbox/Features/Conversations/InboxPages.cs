using Comms.Contracts;
using System.Globalization;
using System.Text;
using Comms.Inbox.Persistence;
using Comms.StaffAccounts;
using Microsoft.AspNetCore.Antiforgery;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// <c>/inbox</c>: the front desk's page, in Russian. The list (waiting first, with how long), a thread with what Comms
/// sent and what the patient wrote, the reply form, assignment, notes, done, and the reschedule hint offered as an
/// action. New messages appear without a reload: the page's script listens to <c>/inbox/live</c> (server-sent events,
/// ids only) and fetches the changed part. Forms post with their antiforgery token.
/// </summary>
public static class InboxPages
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    public static IEndpointRouteBuilder MapInboxPages(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("/inbox").RequireAuthorization(InboxSignIn.Policy).ExcludeFromDescription();
        pages.MapGet("", ListAsync);
        pages.MapGet("/{id:guid}", ThreadAsync);
        pages.MapGet("/fragments/list", ListFragmentAsync);
        pages.MapGet("/fragments/{id:guid}", ThreadFragmentAsync);
        pages.MapGet("/live", LiveAsync);
        pages.MapPost("/{id:guid}/{action:regex(^(reply|assign|done|note)$)}", ActAsync).DisableAntiforgery();
        pages.MapPost("/{id:guid}/reschedule/{entryId:guid}", RescheduleAsync).DisableAntiforgery();
        routes.MapGet("/inbox.js", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Text(Script, "text/javascript; charset=utf-8");
        }).ExcludeFromDescription();
        return routes;
    }

    private static StaffUser Staff(HttpContext http) => http.User.Staff() ?? throw new InvalidOperationException("The page requires a signed-in person.");

    private static async Task<IResult> ListAsync(HttpContext http, InboxDesk desk, TimeProvider time, string? clinicId, CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        var html = new StringBuilder();
        Header(html, "Сообщения пациентов", staff.DisplayName, InboxSignIn.Site.SignOutPath);
        html.Append("<div id=\"conversations\" class=\"panel\">").Append(ListHtml(await desk.ListAsync(staff, clinicId, 200, cancellationToken), time.GetUtcNow())).Append("</div>");
        return Page(http, html.ToString());
    }

    private static async Task<IResult> ListFragmentAsync(HttpContext http, InboxDesk desk, TimeProvider time, string? clinicId, CancellationToken cancellationToken) =>
        Fragment(http, ListHtml(await desk.ListAsync(Staff(http), clinicId, 200, cancellationToken), time.GetUtcNow()));

    private static async Task<IResult> ThreadAsync(
        HttpContext http, InboxDesk desk, QuickReplies quick, Persistence.InboxDbContext db, IAntiforgery antiforgery, TimeProvider time, Guid id, string? error, string? reply,
        CancellationToken cancellationToken)
    {
        var staff = Staff(http);
        if (await desk.OpenAsync(staff, id, cancellationToken) is not { } thread)
        {
            return Message(http, StatusCodes.Status404NotFound, "Нет такого разговора", "Разговора нет, или он принадлежит клинике, которой вы не видите.", "/inbox", "К списку");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = new StringBuilder();
        Header(html, NameOf(thread), staff.DisplayName, InboxSignIn.Site.SignOutPath);
        html.Append("<p><a href=\"/inbox\">← Все разговоры</a></p>");
        if (!string.IsNullOrEmpty(error))
        {
            html.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        }

        html.Append("<div id=\"thread\" data-id=\"").Append(id).Append("\">").Append(ThreadHtml(thread, tokens.FormFieldName, tokens.RequestToken ?? "", time.GetUtcNow())).Append("</div>");
        // The saved answers, rendered for this patient and clinic: one is put in the box, to edit before sending.
        var clinic = await db.Clinics.FindAsync([thread.Conversation.ClinicId], cancellationToken);
        var (replies, problem) = await quick.ListAsync(thread.Conversation.ClinicId, new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["patient.firstName"] = thread.Patient?.FirstName, ["patient.middleName"] = thread.Patient?.MiddleName, ["patient.lastName"] = thread.Patient?.LastName,
            ["clinic.id"] = thread.Conversation.ClinicId, ["clinic.name"] = clinic?.Name, ["clinic.address"] = clinic?.Address,
        }, cancellationToken);
        var prefill = replies.FirstOrDefault(r => r.Key == reply)?.Text;
        html.Append("<form class=\"panel filters\" method=\"get\" action=\"/inbox/").Append(id).Append("\" id=\"quick\"><label>Быстрый ответ<select name=\"reply\" id=\"quick-reply\">");
        foreach (var r in replies)
        {
            Option(html, r.Key, r.Name, reply);
        }

        html.Append("</select></label><button type=\"submit\" id=\"quick-insert\"").Append(replies.Count == 0 ? " disabled" : "").Append(">Вставить</button>");
        if (problem is not null)
        {
            html.Append("<span class=\"muted\" id=\"quick-problem\">").Append(E(problem)).Append("</span>");
        }

        html.Append("</form>");
        html.Append("<form class=\"panel stack\" method=\"post\" action=\"/inbox/").Append(id).Append("/reply\" id=\"reply\">")
            .Append(TokenField(tokens.FormFieldName, tokens.RequestToken))
            .Append("<label for=\"reply-text\">Ответ пациенту</label><textarea id=\"reply-text\" name=\"text\" rows=\"4\" maxlength=\"4000\" required>").Append(E(prefill)).Append("</textarea>")
            .Append("<label for=\"reply-channel\">Канал</label><select id=\"reply-channel\" name=\"channel\"><option value=\"\">последний, где писал пациент</option>");
        foreach (var channel in thread.Channels.Where(c => c.Granted))
        {
            Option(html, channel.Channel, ChannelName(channel.Channel), null);
        }

        html.Append("</select><button type=\"submit\" id=\"send\">Отправить</button></form>");
        html.Append("<div class=\"panel filters\">")
            .Append(SmallForm(id, "assign", "Взять себе", tokens.FormFieldName, tokens.RequestToken))
            .Append(SmallForm(id, "done", "Готово", tokens.FormFieldName, tokens.RequestToken))
            .Append("</div>");
        html.Append("<form class=\"panel stack\" method=\"post\" action=\"/inbox/").Append(id).Append("/note\">").Append(TokenField(tokens.FormFieldName, tokens.RequestToken))
            .Append("<label for=\"note-text\">Заметка (пациент её не видит)</label><textarea id=\"note-text\" name=\"text\" rows=\"2\" maxlength=\"2000\" required></textarea>")
            .Append("<button type=\"submit\" id=\"add-note\">Добавить заметку</button></form>");
        return Page(http, html.ToString());
    }

    private static async Task<IResult> ThreadFragmentAsync(HttpContext http, InboxDesk desk, IAntiforgery antiforgery, TimeProvider time, Guid id, CancellationToken cancellationToken)
    {
        // The page already open, refreshed in place: the opening was audited when the page was.
        var thread = await desk.OpenAsync(Staff(http), id, cancellationToken, audited: false);
        if (thread is null)
        {
            return TypedResults.NotFound();
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        return Fragment(http, ThreadHtml(thread, tokens.FormFieldName, tokens.RequestToken ?? "", time.GetUtcNow()));
    }

    /// <summary>Server-sent events: the id of each conversation of the person's clinics that changed (no text).</summary>
    private static async Task LiveAsync(HttpContext http, LiveFeed feed)
    {
        var staff = Staff(http);
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": ok\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
        try
        {
            await foreach (var change in feed.SubscribeAsync(staff.MaySee, http.RequestAborted))
            {
                await http.Response.WriteAsync($"data: {change.ConversationId}\n\n", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static async Task<IResult> ActAsync(HttpContext http, InboxDesk desk, IAntiforgery antiforgery, Guid id, string action, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Message(http, StatusCodes.Status400BadRequest, "Форма устарела", "Откройте разговор заново и повторите.", $"/inbox/{id}", "К разговору");
        }

        var staff = Staff(http);
        var form = await http.Request.ReadFormAsync(cancellationToken);
        switch (action)
        {
            case "reply":
            {
                InboxDesk.Refusal? refusal = null;
                var channel = form["channel"].ToString();
                var sent = await desk.ReplyAsync(staff, id, form["text"].ToString(), channel.Length == 0 ? null : channel, r => refusal = r, cancellationToken);
                return sent is not null ? TypedResults.Redirect($"/inbox/{id}")
                    : refusal!.Status == StatusCodes.Status404NotFound ? NotFound(http)
                    : TypedResults.Redirect($"/inbox/{id}?error={Uri.EscapeDataString(refusal.Reason)}");
            }

            case "assign":
                return await desk.AssignAsync(staff, id, null, cancellationToken) ? TypedResults.Redirect($"/inbox/{id}") : NotFound(http);
            case "done":
                return await desk.DoneAsync(staff, id, cancellationToken) ? TypedResults.Redirect("/inbox") : NotFound(http);
            default:
            {
                var text = form["text"].ToString().Trim();
                if (text.Length is 0 or > 2000)
                {
                    return TypedResults.Redirect($"/inbox/{id}?error={Uri.EscapeDataString("Заметка: от 1 до 2000 символов.")}");
                }

                return await desk.NoteAsync(staff, id, text, cancellationToken) ? TypedResults.Redirect($"/inbox/{id}") : NotFound(http);
            }
        }
    }

    private static async Task<IResult> RescheduleAsync(HttpContext http, InboxDesk desk, IAntiforgery antiforgery, Guid id, Guid entryId, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Message(http, StatusCodes.Status400BadRequest, "Форма устарела", "Откройте разговор заново и повторите.", $"/inbox/{id}", "К разговору");
        }

        return await desk.RequestRescheduleAsync(Staff(http), id, entryId, cancellationToken) ? TypedResults.Redirect($"/inbox/{id}") : NotFound(http);
    }

    private static IResult NotFound(HttpContext http) =>
        Message(http, StatusCodes.Status404NotFound, "Нет такого разговора", "Разговора нет, или он принадлежит клинике, которой вы не видите.", "/inbox", "К списку");

    private static string ListHtml(IReadOnlyList<InboxDesk.Summary> list, DateTimeOffset now)
    {
        if (list.Count == 0)
        {
            return "<p class=\"muted\" id=\"empty\">Сообщений пока нет.</p>";
        }

        var html = new StringBuilder("<table class=\"stacked\"><thead><tr><th>Пациент</th><th>Клиника</th><th>Последнее</th><th>Ждёт ответа</th><th>Кто ведёт</th></tr></thead><tbody>");
        foreach (var s in list)
        {
            var c = s.Conversation;
            html.Append("<tr data-conversation=\"").Append(c.Id).Append("\"><td class=\"lead\"><a href=\"/inbox/").Append(c.Id).Append("\">").Append(E(s.PatientName ?? c.PatientId)).Append("</a>")
                .Append(s.PatientName is null ? "" : $" <span class=\"muted\">{E(c.PatientId)}</span>")
                .Append(s.RescheduleHint ? " <span class=\"error\" data-hint=\"reschedule\">просит перенести</span>" : "").Append("</td>")
                .Append("<td data-label=\"Клиника\">").Append(E(c.ClinicId)).Append("</td>")
                .Append("<td data-label=\"Последнее\">").Append(s.LastDirection == Directions.In ? "пациент: " : "мы: ").Append(E(Short(s.LastText))).Append("</td>")
                .Append("<td data-label=\"Ждёт ответа\" class=\"waiting\">").Append(c.WaitingSince is { } since && c.Status == ConversationStatuses.Open ? E(Waited(now - since)) : c.Status == ConversationStatuses.Done ? "готово" : "—").Append("</td>")
                .Append("<td data-label=\"Кто ведёт\">").Append(E(c.AssignedTo ?? "—")).Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string ThreadHtml(InboxDesk.Thread thread, string tokenName, string token, DateTimeOffset now)
    {
        var c = thread.Conversation;
        var html = new StringBuilder("<div class=\"panel\" id=\"card\"><p>");
        html.Append("<b>").Append(E(NameOf(thread))).Append("</b>");
        if (thread.Patient is { } patient && (patient.Phone ?? patient.Email) is { } contact)
        {
            html.Append(" · <span id=\"contact\">").Append(E(contact)).Append("</span>");
        }

        html.Append("</p><p id=\"next-appointment\">");
        html.Append(thread.NextAppointment is { StartsAt: { } startsAt } next
            ? $"Ближайший приём: {E(Local(startsAt, next.TimeZone))} — {E(next.Confirmation switch { "confirmed" => "подтверждён", "cancellation_requested" => "пациент просит отменить", _ => "не подтверждён" })}"
            : "Ближайших приёмов нет.");
        html.Append("</p><p>");
        html.Append("Клиника ").Append(E(c.ClinicId)).Append(" · ").Append(c.Status == ConversationStatuses.Done ? "готово" : c.WaitingSince is { } since ? $"ждёт ответа {E(Waited(now - since))}" : "отвечено")
            .Append(" · ведёт: ").Append(E(c.AssignedTo ?? "никто")).Append("</p><p class=\"muted\">Каналы: ");
        html.Append(thread.Channels.Count == 0 ? "согласий нет" : string.Join(", ", thread.Channels.Select(ch => $"{E(ChannelName(ch.Channel))} {E(ch.Contact)} ({(ch.Granted ? "согласие есть" : "отказ")})")));
        html.Append("</p></div><ol class=\"panel\" id=\"entries\">");
        foreach (var e in thread.Entries)
        {
            html.Append("<li class=\"review\" data-entry=\"").Append(e.Id).Append("\" data-direction=\"").Append(E(e.Direction)).Append("\"><span class=\"muted\">")
                .Append(E(Local(e.At))).Append(" · ").Append(E(ChannelName(e.Channel))).Append(" · ")
                .Append(e.Direction == Directions.In ? "пациент" : e.Kind == "staff" ? $"ответ: {E(e.Author)}" : E(KindName(e.Kind)));
            if (e.Direction == Directions.Out && e.Status is { } status)
            {
                html.Append(" · <span data-status=\"").Append(E(status)).Append("\">").Append(E(StatusName(status))).Append("</span>");
            }

            html.Append("</span><p>").Append(E(e.Text ?? "(текст ещё не пришёл или удалён по сроку хранения)")).Append("</p>");
            if (e.RescheduleHint)
            {
                html.Append("<form method=\"post\" action=\"/inbox/").Append(c.Id).Append("/reschedule/").Append(e.Id).Append("\" class=\"hint\">")
                    .Append(TokenField(tokenName, token)).Append("<span class=\"error\">Похоже на просьбу перенести или отменить приём.</span> ")
                    .Append("<button type=\"submit\" data-action=\"reschedule\">Передать в МИС</button></form>");
            }

            html.Append("</li>");
        }

        html.Append("</ol>");
        if (thread.Notes.Count > 0)
        {
            html.Append("<div class=\"panel\" id=\"notes\"><h3>Заметки</h3>");
            foreach (var n in thread.Notes)
            {
                html.Append("<p><span class=\"muted\">").Append(E(Local(n.At))).Append(" · ").Append(E(n.Author)).Append(":</span> ").Append(E(n.Text)).Append("</p>");
            }

            html.Append("</div>");
        }

        return html.ToString();
    }

    private static string SmallForm(Guid id, string action, string label, string tokenName, string? token) =>
        $"<form method=\"post\" action=\"/inbox/{id}/{action}\">{TokenField(tokenName, token)}<button type=\"submit\" id=\"{action}\">{E(label)}</button></form>";

    private static string TokenField(string name, string? token) => $"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(token)}\">";

    private static string Short(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";

    private static string Waited(TimeSpan span) => span.TotalMinutes < 1 ? "меньше минуты"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} мин"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours} ч {span.Minutes} мин"
        : $"{(int)span.TotalDays} дн";

    private static string Local(DateTimeOffset at, string? zone = null) =>
        TimeZoneInfo.ConvertTime(at, zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var own) ? own : Moscow).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    private static string NameOf(InboxDesk.Thread thread) =>
        thread.Patient is { } p && string.Join(' ', new[] { p.LastName, p.FirstName, p.MiddleName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name
            ? name
            : $"Пациент {thread.Conversation.PatientId}";

    private static string ChannelName(string? channel) => channel switch
    {
        "sms" => "SMS",
        "max" => "MAX",
        "whatsapp" => "WhatsApp",
        "email" => "email",
        _ => channel ?? "—",
    };

    private static string KindName(string? kind) => kind switch
    {
        TemplateKeys.AppointmentConfirmation => "запрос подтверждения",
        TemplateKeys.AppointmentReminder => "напоминание",
        TemplateKeys.AppointmentMissed => "пропущенный приём",
        TemplateKeys.AppointmentRecall => "плановый визит",
        TemplateKeys.FeedbackRequest => "просьба оценить визит",
        TemplateKeys.FeedbackFollowUp => "благодарность за оценку",
        TemplateKeys.WaitlistOffer or TemplateKeys.WaitlistClaimed or TemplateKeys.WaitlistTaken => "лист ожидания",
        { } k when k.StartsWith("campaign.", StringComparison.Ordinal) => "рассылка",
        _ => "сообщение",
    };

    private static string StatusName(string status) => status switch
    {
        "queued" => "в очереди",
        "accepted" => "принято оператором",
        "sent" => "отправлено",
        "delivered" => "доставлено",
        "blocked" => "не отправлено: нет согласия",
        "expired" => "не доставлено: срок истёк",
        "failed-permanent" or "failed-temporary" => "не доставлено",
        _ => status,
    };

    private static IResult Page(HttpContext http, string body)
    {
        SecurityHeaders(http);
        return TypedResults.Content(Layout("Сообщения пациентов", body).Replace("</body>", "<script src=\"/inbox.js\"></script></body>", StringComparison.Ordinal),
            "text/html; charset=utf-8", statusCode: StatusCodes.Status200OK);
    }

    private static IResult Fragment(HttpContext http, string html)
    {
        SecurityHeaders(http);
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>As the other staff pages, with the page's own script and its event stream allowed (nothing else).</summary>
    private static void SecurityHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Robots-Tag"] = "noindex";
    }

    /// <summary>The page's only script: on a change of a conversation in view, the list or the thread is fetched again in place.</summary>
    private const string Script = """
        "use strict";
        (function () {
          var list = document.getElementById("conversations");
          var thread = document.getElementById("thread");
          if (!list && !thread) return;
          var feed = new EventSource("/inbox/live");
          async function refresh(element, url) {
            var answer = await fetch(url, { credentials: "same-origin" });
            if (answer.ok) { element.innerHTML = await answer.text(); element.dispatchEvent(new Event("inbox:updated")); }
          }
          feed.onmessage = function (event) {
            if (list) refresh(list, "/inbox/fragments/list" + location.search);
            if (thread && thread.dataset.id === event.data) refresh(thread, "/inbox/fragments/" + event.data);
          };
          document.documentElement.dataset.live = "on";
        })();
        """;
}
