using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Comms.Audience.Features.Scoring;
using CsvHelper;
using CsvHelper.Configuration;

namespace Comms.Audience.Features.Analytics;

/// <summary>
/// The at-risk list as a file Russian Excel opens right with a double click: UTF-8 with a BOM, <c>;</c> between
/// cells, Russian headers, numbers with a decimal comma and no group separator (so Excel reads them as numbers), dates
/// <c>dd.MM.yyyy</c>. A cell that starts with = + - @ is escaped, so that no id from the MIS becomes a formula. Patients
/// are named by their id in the MIS only: Audience keeps no names or contacts.
/// </summary>
public static partial class AtRiskExport
{
    public static readonly IReadOnlyList<string> Headers =
    [
        "Клиника", "Пациент (номер в МИС)", "Сегмент", "Под угрозой, ₽", "LTV, ₽", "Вероятность, что пациент ещё с клиникой, %",
        "Последний визит", "Дней без визита", "Визитов", "Средний чек, ₽", "Почему", "Сигналы (коды)",
    ];

    public static string FileName(string clinicId, DateOnly asOf) => $"at-risk-{Unsafe().Replace(clinicId, "_")}-{asOf:yyyy-MM-dd}.csv";

    public static async Task WriteAsync(HttpContext http, string clinicId, DateOnly asOf, IReadOnlyList<PatientFigures> rows)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(clinicId, asOf)}\"";
        http.Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await using var csv = new CsvWriter(writer, new CsvConfiguration(RussianFormat.Culture)
        {
            Delimiter = ";",
            InjectionOptions = InjectionOptions.Escape,
        });
        foreach (var header in Headers)
        {
            csv.WriteField(header);
        }

        await csv.NextRecordAsync();
        foreach (var p in rows)
        {
            string?[] fields =
            [
                p.ClinicId, p.PatientId, Segments.Title(p.Segment), Money(p.ValueAtRisk), Money(p.Ltv),
                p.Value is { } value ? Math.Round(value.ProbabilityAlive * 100).ToString("0", CultureInfo.InvariantCulture) : null,
                p.LastVisit?.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture),
                p.DaysSinceLastVisit?.ToString(CultureInfo.InvariantCulture),
                p.Visits.ToString(CultureInfo.InvariantCulture),
                p.AverageCheck is { } check ? Money(check) : null,
                string.Join("; ", p.Reasons.Select(r => r.Text)),
                string.Join(", ", p.Signals.Select(s => s.Code)),
            ];
            foreach (var field in fields)
            {
                csv.WriteField(field);
            }

            await csv.NextRecordAsync();
        }
    }

    /// <summary>«48000», «48000,5»: what Russian Excel takes for a number.</summary>
    private static string Money(decimal amount) => decimal.Round(amount, 2).ToString("0.##", RussianFormat.Culture);

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Unsafe();
}
