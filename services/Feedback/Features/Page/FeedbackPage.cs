using System.Globalization;
using System.Net;
using System.Text;
using Comms.Feedback.Features.Requests;

namespace Comms.Feedback.Features.Page;

/// <summary>
/// The patient's page, rendered on the server: a plain HTML form (radio buttons and a textarea) that works without
/// JavaScript. Every value that came from outside is HTML-escaped.
/// </summary>
public static class FeedbackPage
{
    public sealed record Form(string Action, string Scale, string? ClinicName, string? VisitDate, string AntiforgeryField, string AntiforgeryToken, string? Error, int? Rating, string? Review);

    public static string AskFor(Form form)
    {
        var body = new StringBuilder();
        body.Append("<h1>Как прошёл визит?</h1>");
        if (form.ClinicName is not null || form.VisitDate is not null)
        {
            body.Append("<p class=\"muted\">").Append(E(string.Join(", ", new[] { form.ClinicName, form.VisitDate }.Where(s => s is not null)))).Append("</p>");
        }

        if (form.Error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(form.Error)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(E(form.Action)).Append("\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(form.AntiforgeryField)).Append("\" value=\"").Append(E(form.AntiforgeryToken)).Append("\">");
        body.Append("<fieldset><legend>")
            .Append(form.Scale == RatingScales.Nps
                ? "Насколько вероятно, что вы порекомендуете клинику друзьям и близким? (0 — точно нет, 10 — точно да)"
                : "Оцените визит от 1 (плохо) до 5 (отлично)")
            .Append("</legend><div class=\"scale\">");
        for (var value = RatingScales.Min(form.Scale); value <= RatingScales.Max(form.Scale); value++)
        {
            var v = value.ToString(CultureInfo.InvariantCulture);
            body.Append("<label><input type=\"radio\" name=\"rating\" value=\"").Append(v).Append('"')
                .Append(form.Rating == value ? " checked" : "").Append(" required><span>").Append(v).Append("</span></label>");
        }

        body.Append("</div></fieldset>");
        body.Append("<label for=\"review\">Если хотите, расскажите подробнее</label>");
        body.Append("<textarea id=\"review\" name=\"review\" rows=\"5\" maxlength=\"4000\">").Append(E(form.Review ?? "")).Append("</textarea>");
        body.Append("<button type=\"submit\">Отправить</button></form>");
        return Layout("Оценка визита", body.ToString());
    }

    /// <summary>The visit was rated by reply: the rating is shown as given, and only the few words are asked for.</summary>
    public static string AskForReview(Form form)
    {
        var body = new StringBuilder();
        body.Append("<h1>Спасибо за оценку!</h1>");
        body.Append("<p>Ваша оценка: <b>").Append(form.Rating?.ToString(CultureInfo.InvariantCulture)).Append("</b>")
            .Append(form.ClinicName is null ? "" : ", " + E(form.ClinicName)).Append(form.VisitDate is null ? "" : ", " + E(form.VisitDate)).Append(".</p>");
        if (form.Error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(E(form.Error)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(E(form.Action)).Append("\">");
        body.Append("<input type=\"hidden\" name=\"").Append(E(form.AntiforgeryField)).Append("\" value=\"").Append(E(form.AntiforgeryToken)).Append("\">");
        body.Append("<label for=\"review\">Расскажите, пожалуйста, в нескольких словах, что было хорошо и что нам стоит исправить</label>");
        body.Append("<textarea id=\"review\" name=\"review\" rows=\"5\" maxlength=\"4000\" required>").Append(E(form.Review ?? "")).Append("</textarea>");
        body.Append("<button type=\"submit\">Отправить</button></form>");
        return Layout("Отзыв о визите", body.ToString());
    }

    public static string Thanks(IReadOnlyList<ReviewLink> links, bool alreadyReceived)
    {
        var body = new StringBuilder();
        body.Append(alreadyReceived
            ? "<h1>Ваш ответ уже получен</h1><p>Спасибо! Повторно отправить оценку нельзя.</p>"
            : "<h1>Спасибо за ответ!</h1><p>Мы прочитаем каждое слово.</p>");
        body.Append(ReviewLinks(links));
        return Layout("Спасибо", body.ToString());
    }

    public static string NotFound() => Layout(
        "Ссылка недействительна",
        "<h1>Ссылка не найдена или устарела</h1><p>Возможно, срок её действия истёк. Если хотите оставить отзыв, " +
        "свяжитесь с клиникой.</p>");

    public static string FormExpired() => Layout(
        "Форма устарела",
        "<h1>Форма устарела</h1><p>Откройте ссылку из сообщения ещё раз и отправьте оценку заново.</p>");

    private static string ReviewLinks(IReadOnlyList<ReviewLink> links)
    {
        if (links.Count == 0)
        {
            return "";
        }

        var html = new StringBuilder("<p>Если хотите, оставьте отзыв о клинике на сайте:</p><ul class=\"links\">");
        foreach (var link in links)
        {
            html.Append("<li><a href=\"").Append(E(link.Url)).Append("\" rel=\"noopener noreferrer\" target=\"_blank\">").Append(E(link.Name)).Append("</a></li>");
        }

        return html.Append("</ul>").ToString();
    }

    private static string Layout(string title, string body) =>
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        "<meta name=\"robots\" content=\"noindex\"><title>" + E(title) + "</title><style>" +
        "body{font-family:system-ui,sans-serif;max-width:32rem;margin:0 auto;padding:1rem;line-height:1.4;color:#222}" +
        "h1{font-size:1.4rem}.muted{color:#666}.error{color:#b00020}fieldset{border:0;padding:0;margin:0 0 1rem}" +
        "legend{margin-bottom:.5rem}.scale{display:flex;flex-wrap:wrap;gap:.4rem}.scale label{flex:1 0 2.6rem}" +
        ".scale input{position:absolute;opacity:0}.scale span{display:block;text-align:center;padding:.7rem 0;border:1px solid #888;border-radius:.4rem;font-size:1.1rem}" +
        ".scale input:checked+span{background:#1a73e8;color:#fff;border-color:#1a73e8}.scale input:focus+span{outline:2px solid #1a73e8}" +
        "textarea{width:100%;box-sizing:border-box;font:inherit;margin:.3rem 0 1rem}" +
        "button{font:inherit;padding:.8rem 1.5rem;border:0;border-radius:.4rem;background:#1a73e8;color:#fff;width:100%}" +
        ".links li{margin:.5rem 0}</style></head><body>" + body + "</body></html>";

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
