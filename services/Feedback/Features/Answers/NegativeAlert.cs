using System.Globalization;
using System.Net;
using System.Text;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;

namespace Comms.Feedback.Features.Answers;

/// <summary>
/// The email a clinic's managers get about a low rating, rendered here (not a marketer's template: it goes to staff and
/// must always work). Everything the patient or the MIS wrote is HTML-escaped in the HTML part.
/// </summary>
public static class NegativeAlert
{
    public const string TemplateKey = "feedback.negative-alert";

    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public sealed record Rendered(string Subject, string Html, string Text);

    public static Rendered Render(Visit? visit, FeedbackRequest request, TimeZoneInfo zone, bool reviewAdded)
    {
        var score = $"{request.Rating} из {RatingScales.Max(request.Scale)}";
        var clinic = visit?.ClinicName ?? request.ClinicId;
        var subject = reviewAdded
            ? $"Отзыв к низкой оценке ({score}): {clinic}"
            : $"Низкая оценка визита ({score}): {clinic}";
        var rows = new List<(string Label, string? Value)>
        {
            ("Оценка", score),
            ("Отзыв", request.Review ?? "(без текста)"),
            ("Пациент", visit is null ? request.PatientId : Join(visit.PatientName, request.PatientId is null ? null : $"ID {request.PatientId}")),
            ("Телефон", visit?.Phone),
            ("Email", visit?.Email),
            ("Врач", visit is null ? null : Join(visit.DoctorName, visit.DoctorSpecialty)),
            ("Услуга", visit is null ? null : Join(visit.ServiceName, visit.ServiceCode)),
            ("Визит", visit is null || visit.StartsAt == default ? null : TimeZoneInfo.ConvertTime(visit.StartsAt, zone).ToString("dd.MM.yyyy HH:mm", Russian) + $" ({zone.Id})"),
            ("Запись в МИС", request.AppointmentId),
            ("Ответ получен", Channel(request.RatingChannel)),
        };

        var text = new StringBuilder();
        text.Append(reviewAdded ? "Пациент дописал отзыв к низкой оценке визита." : "Пациент низко оценил визит.").Append("\n\n");
        foreach (var (label, value) in rows.Where(r => !string.IsNullOrEmpty(r.Value)))
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }

        text.Append("\nСвяжитесь с пациентом, чтобы разобраться в ситуации.");

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"ru\"><body style=\"font-family:sans-serif\">");
        html.Append("<p>").Append(reviewAdded ? "Пациент дописал отзыв к низкой оценке визита." : "Пациент низко оценил визит.").Append("</p>");
        html.Append("<table cellpadding=\"4\">");
        foreach (var (label, value) in rows.Where(r => !string.IsNullOrEmpty(r.Value)))
        {
            html.Append("<tr><th align=\"left\" valign=\"top\">").Append(label).Append("</th><td>")
                .Append(WebUtility.HtmlEncode(value)!.Replace("\n", "<br>", StringComparison.Ordinal)).Append("</td></tr>");
        }

        html.Append("</table><p>Свяжитесь с пациентом, чтобы разобраться в ситуации.</p></body></html>");
        return new Rendered(subject, html.ToString(), text.ToString());
    }

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return present.Count == 0 ? null : string.Join(", ", present);
    }

    private static string? Channel(string? channel) => channel switch
    {
        null => null,
        AnswerChannels.Page => "страница отзыва",
        _ => $"ответ на сообщение ({channel})",
    };
}

/// <summary>Where an answer came from: a message channel (<c>sms</c>, <c>whatsapp</c>, …) or the personal page.</summary>
public static class AnswerChannels
{
    public const string Page = "page";
}
