using System.Globalization;
using System.Net;
using System.Text;
using Comms.Consent.Features.Ledger;
using Comms.Contracts;

namespace Comms.Consent.Features.Evidence;

/// <summary>
/// The evidence export as a printable HTML document in Russian, for a clinic's lawyer: every value is escaped, times
/// are given in UTC and Moscow time, and the codes (methods, statuses) are shown beside their meaning
/// (<see cref="RussianWording"/>). Why a message was not sent and why a grant does not count are worded in Russian
/// from their codes; a provider's own explanation is quoted as recorded.
/// </summary>
public static class EvidenceDocument
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Moscow", out var zone)
        ? zone
        : TimeZoneInfo.CreateCustomTimeZone("MSK", TimeSpan.FromHours(3), "MSK", "MSK");

    public static string Render(ConsentEvidence evidence)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>Выписка из журнала согласий: ").Append(E(evidence.Contact)).Append("</title>\n")
            .Append("<style>body{font-family:serif;margin:2em;}table{border-collapse:collapse;width:100%;margin-bottom:1.5em;}")
            .Append("th,td{border:1px solid #444;padding:4px 6px;vertical-align:top;font-size:10pt;text-align:left;}")
            .Append("th{background:#eee;}.no{color:#a00;}@media print{body{margin:0;}}</style>\n</head>\n<body>\n");

        html.Append("<h1>Выписка из журнала согласий на получение сообщений</h1>\n")
            .Append("<p>Контакт: <strong>").Append(E(evidence.Contact)).Append("</strong><br>\n")
            .Append("Сформировано: ").Append(Time(evidence.GeneratedAt)).Append("<br>\n")
            .Append("Сформировал (ключ доступа): ").Append(E(evidence.GeneratedBy)).Append("</p>\n");

        html.Append("<p>Журнал ведётся только дополнением: каждая запись о согласии или отказе хранится без изменений с номером, ")
            .Append("временем получения и сведениями о том, как, кем и на основании какого документа она сделана. Текущее состояние ")
            .Append("определяется последней по времени действующей записью для контакта, канала и вида сообщений. Согласие, ")
            .Append("внесённое после собственного отказа пациента без нового подтверждения его воли, сохраняется, но не действует.</p>\n");

        html.Append("<h2>1. Текущее состояние</h2>\n");
        if (evidence.Current.Count == 0)
        {
            html.Append("<p>Записей о согласии нет: сообщения на этот контакт не отправляются.</p>\n");
        }
        else
        {
            html.Append("<table>\n<tr><th>Канал</th><th>Вид сообщений</th><th>Состояние</th><th>Способ</th><th>Документ</th><th>Дата</th><th>Запись №</th></tr>\n");
            foreach (var c in evidence.Current)
            {
                html.Append("<tr><td>").Append(Label(RussianWording.Channel, c.Channel)).Append("</td><td>").Append(Label(RussianWording.Purpose, c.Purpose))
                    .Append("</td><td>").Append(c.Granted ? "согласие дано" : "<span class=\"no\">согласие отозвано</span>")
                    .Append("</td><td>").Append(Label(RussianWording.ConsentMethod, c.Method)).Append("</td><td>").Append(E(c.DocumentRef))
                    .Append("</td><td>").Append(Time(c.CapturedAt)).Append("</td><td>").Append(c.Record).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("<h2>2. Записи журнала</h2>\n");
        if (evidence.Records.Count == 0)
        {
            html.Append("<p>Записей нет.</p>\n");
        }
        else
        {
            html.Append("<table>\n<tr><th>№</th><th>Канал, вид сообщений</th><th>Решение</th><th>Когда дано / отозвано</th>")
                .Append("<th>Способ</th><th>Документ, редакция текста</th><th>Кто зафиксировал</th><th>Источник, кто внёс, когда</th>")
                .Append("<th>Пациент</th><th>Действует</th></tr>\n");
            var refusals = evidence.RefusedGrants.ToDictionary(g => g.Record);
            foreach (var r in evidence.Records)
            {
                html.Append("<tr><td>").Append(r.Sequence).Append("</td><td>").Append(Label(RussianWording.Channel, r.Channel)).Append(";<br>")
                    .Append(Label(RussianWording.Purpose, r.Purpose)).Append("</td><td>").Append(r.Granted ? "согласие" : "отказ")
                    .Append("</td><td>").Append(Time(r.CapturedAt)).Append("</td><td>").Append(Label(RussianWording.ConsentMethod, r.Method));
                if (r.Evidence is not null)
                {
                    html.Append("<br>получено: «").Append(E(r.Evidence)).Append('»');
                }

                if (r.RelatedMessageId is { } related)
                {
                    html.Append("<br>в ответ на сообщение ").Append(related);
                }

                html.Append("</td><td>").Append(E(r.DocumentRef));
                if (r.WordingVersion is not null)
                {
                    html.Append("<br>редакция текста: ").Append(E(r.WordingVersion));
                }

                html.Append("</td><td>").Append(E(r.CapturedBy)).Append("</td><td>").Append(E(r.Source));
                if (r.RecordedBy is not null)
                {
                    html.Append("<br>внёс: ").Append(E(r.RecordedBy));
                }

                html.Append("<br>записано: ").Append(Time(r.RecordedAt))
                    .Append("</td><td>").Append(E(r.ClinicId)).Append(r.PatientId is null ? "" : " / ").Append(E(r.PatientId))
                    .Append("</td><td>").Append(r.Effective ? "да" : "<span class=\"no\">нет</span>: " + Refused(r, refusals)).Append("</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        html.Append("<h2>3. Сообщения на этот контакт</h2>\n");
        if (evidence.Messages.Count == 0)
        {
            html.Append("<p>Сообщений не было.</p>\n");
        }
        else
        {
            html.Append("<table>\n<tr><th>Сообщение</th><th>Канал</th><th>Клиника / пациент / запись на приём</th><th>Статусы</th>")
                .Append("<th>Согласие в момент отправки (запись №)</th></tr>\n");
            foreach (var m in evidence.Messages)
            {
                html.Append("<tr><td>").Append(m.MessageId).Append("</td><td>").Append(Label(RussianWording.Channel, m.Channel))
                    .Append("</td><td>").Append(E(m.ClinicId)).Append(" / ").Append(E(m.PatientId)).Append(" / ").Append(E(m.AppointmentId))
                    .Append("</td><td>");
                foreach (var s in m.Statuses)
                {
                    html.Append(Time(s.OccurredAt)).Append(": ").Append(Label(RussianWording.Status, s.Status));
                    if (s.Provider is not null)
                    {
                        html.Append(", ").Append(E(s.Provider));
                    }

                    if (RussianWording.Cause(s.Cause) is { } cause)
                    {
                        html.Append(" — ").Append(E(cause));
                    }
                    else if (s.Reason is not null)
                    {
                        // A provider's or gateway's own words, kept as recorded: a translation could change their meaning.
                        html.Append(" — пояснение шлюза в том виде, как оно записано: «").Append(E(s.Reason)).Append('»');
                    }

                    html.Append("<br>");
                }

                html.Append("</td><td>");
                foreach (var c in m.ConsentInForce)
                {
                    html.Append(c.Purpose == "service" ? "сервисные: " : "рекламные: ")
                        .Append(c.Record is { } id ? (c.Granted ? "дано" : "отозвано") + $" (№ {id})" : "нет записи").Append("<br>");
                }

                html.Append("</td></tr>\n");
            }

            html.Append("</table>\n");
            html.Append("<p>Сообщения найдены по контакту или, если событие о статусе его не содержит, по идентификаторам пациента ")
                .Append("в клинике, указанным в записях о согласии этого контакта.</p>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string Label(Func<string, string?> wording, string code) =>
        wording(code) is { } label ? $"{E(label)} ({E(code)})" : E(code);

    /// <summary>Why a grant does not count, in Russian, from the codes of the re-grant rule.</summary>
    private static string Refused(ConsentHistoryEntry record, Dictionary<long, RefusedGrant> refusals)
    {
        if (!refusals.TryGetValue(record.Sequence, out var refused))
        {
            return "согласие не действует";
        }

        var missing = refused.Missing.Select(code => RegrantRequirements.Russian(code, record.Method, record.DocumentRef));
        return E($"пациент сам отказался ({RussianWording.ConsentMethod(refused.OptOutMethod) ?? refused.OptOutMethod}, ") + Time(refused.OptOutCapturedAt) +
               E($", запись № {refused.OptOutRecord}); согласие после такого отказа действует только с новым подтверждением воли пациента: " +
                 string.Join("; ", missing));
    }

    private static string Time(DateTimeOffset instant)
    {
        var utc = instant.UtcDateTime;
        var moscow = TimeZoneInfo.ConvertTimeFromUtc(utc, Moscow);
        return string.Create(CultureInfo.InvariantCulture, $"{utc:yyyy-MM-dd HH:mm:ss} UTC ({moscow:dd.MM.yyyy HH:mm:ss} МСК)");
    }

    private static string E(string? text) => text is null ? "—" : WebUtility.HtmlEncode(text);
}
