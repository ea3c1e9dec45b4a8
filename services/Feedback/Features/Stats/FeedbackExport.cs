using System.Globalization;
using System.Text;
using Comms.Contracts;
using Comms.Feedback.Features.Answers;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using CsvHelper;
using CsvHelper.Configuration;

namespace Comms.Feedback.Features.Stats;

/// <summary>
/// The file of every feedback request with its answer, one row per visit, oldest first, in one of two forms:
/// <see cref="Plain"/> for programs (comma, ISO 8601 in UTC, English headers and codes) and <see cref="Excel"/> for
/// people (what Russian Excel opens right with a double click: UTF-8 with BOM, <c>;</c>, <c>dd.MM.yyyy HH:mm</c> in
/// the clinic's time zone, Russian headers and values). Both escape a cell that starts with = + - @, so a patient's
/// words cannot become a spreadsheet formula.
/// </summary>
public static class FeedbackExport
{
    public const string Plain = "plain";
    public const string Excel = "excel";

    public static readonly IReadOnlyList<string> Formats = [Plain, Excel];

    private const string DateFormat = "dd.MM.yyyy HH:mm";

    private static readonly string[] ExcelHeaders =
    [
        "Клиника", "Визит (номер в МИС)", "Пациент (номер в МИС)", "Врач (код)", "Врач", "Услуга (код)", "Услуга",
        "Начало визита", "Часовой пояс", "Запрос", "Почему не отправлен", "Запрос отправлен", "Шкала",
        "Оценка", "Оценка получена", "Оценка поставлена", "Отзыв", "Отзыв получен", "Отзыв оставлен",
    ];

    /// <summary>"excel", "plain" (any case) or null for <paramref name="fallback"/>; null when it is neither.</summary>
    public static string? Parse(string? format, string fallback) =>
        format is null ? fallback : Formats.FirstOrDefault(f => string.Equals(f, format.Trim(), StringComparison.OrdinalIgnoreCase));

    internal static async Task WriteAsync(HttpContext http, IReadOnlyList<StatsApi.Row> rows, string format, FeedbackOptions settings)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"feedback.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var excel = format == Excel;
        await using var csv = new CsvWriter(writer, new CsvConfiguration(excel ? CultureInfo.GetCultureInfo("ru-RU") : CultureInfo.InvariantCulture)
        {
            Delimiter = excel ? ";" : ",",
            InjectionOptions = InjectionOptions.Escape,
        });

        if (excel)
        {
            foreach (var header in ExcelHeaders)
            {
                csv.WriteField(header);
            }
        }
        else
        {
            csv.WriteHeader<ExportRow>();
        }

        await csv.NextRecordAsync();
        foreach (var row in rows.OrderBy(r => r.Request.CreatedAt))
        {
            if (excel)
            {
                WriteExcelRow(csv, row, settings);
            }
            else
            {
                csv.WriteRecord(ExportRow.Of(row));
            }

            await csv.NextRecordAsync();
        }
    }

    private static void WriteExcelRow(CsvWriter csv, StatsApi.Row row, FeedbackOptions settings)
    {
        var (r, v) = (row.Request, row.Visit);
        // The clinic's zone as the MIS gave it with the visit, else Feedback:DefaultTimeZone.
        var zone = RequestPlanner.Zone(settings, v?.ClinicTimeZone);
        string? Local(DateTimeOffset? at) => at is { } t ? TimeZoneInfo.ConvertTime(t, zone).ToString(DateFormat, CultureInfo.InvariantCulture) : null;

        string?[] fields =
        [
            r.ClinicId, r.AppointmentId, r.PatientId, v?.DoctorId, v?.DoctorName, v?.ServiceCode, v?.ServiceName,
            Local(v is null || v.StartsAt == default ? null : v.StartsAt), zone.Id,
            r.Status switch
            {
                RequestStatuses.Sent => "отправлен",
                RequestStatuses.Skipped => "не отправлен",
                RequestStatuses.Pending => "ждёт отправки",
                var other => other,
            },
            SkipReasons.Russian(r.StatusReason), Local(r.DispatchedAt),
            r.Scale == RatingScales.Nps ? "0–10 (NPS)" : $"{RatingScales.Min(r.Scale)}–{RatingScales.Max(r.Scale)}",
            r.Rating?.ToString(CultureInfo.InvariantCulture), Channel(r.RatingChannel), Local(r.RatedAt),
            r.Review, Channel(r.ReviewChannel), Local(r.ReviewedAt),
        ];
        foreach (var field in fields)
        {
            csv.WriteField(field);
        }
    }

    private static string? Channel(string? channel) => channel switch
    {
        null => null,
        AnswerChannels.Page => "страница отзыва",
        _ => $"ответ на сообщение ({RussianWording.Channel(channel) ?? channel})",
    };

    /// <summary>A row of the <see cref="Plain"/> file: its headers are these names.</summary>
    public sealed record ExportRow(
        string ClinicId, string AppointmentId, string? PatientId, string? DoctorId, string? DoctorName, string? ServiceCode, string? ServiceName,
        DateTimeOffset? VisitStartsAt, string Status, string? StatusReason, DateTimeOffset? AskedAt, string Scale,
        int? Rating, string? RatingChannel, DateTimeOffset? RatedAt, string? Review, string? ReviewChannel, DateTimeOffset? ReviewedAt)
    {
        internal static ExportRow Of(StatsApi.Row row)
        {
            var (r, v) = (row.Request, row.Visit);
            return new ExportRow(
                r.ClinicId, r.AppointmentId, r.PatientId, v?.DoctorId, v?.DoctorName, v?.ServiceCode, v?.ServiceName,
                v is null || v.StartsAt == default ? null : v.StartsAt, r.Status, r.StatusReason, r.DispatchedAt, r.Scale,
                r.Rating, r.RatingChannel, r.RatedAt, r.Review, r.ReviewChannel, r.ReviewedAt);
        }
    }
}
