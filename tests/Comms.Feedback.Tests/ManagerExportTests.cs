using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Comms.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Feedback.Tests;

/// <summary>The managers' page and file as people read them: Russian Excel, the doctor list, an empty period.</summary>
public sealed partial class ManagerExportTests(ManagerSite site) : IClassFixture<ManagerSite>
{
    private static readonly string[] ExcelHeader =
    [
        "Клиника", "Визит (номер в МИС)", "Пациент (номер в МИС)", "Врач (код)", "Врач", "Услуга (код)", "Услуга",
        "Начало визита", "Часовой пояс", "Запрос", "Почему не отправлен", "Запрос отправлен", "Шкала",
        "Оценка", "Оценка получена", "Оценка поставлена", "Отзыв", "Отзыв получен", "Отзыв оставлен",
    ];

    [Fact]
    public async Task The_managers_file_opens_in_russian_excel_with_dates_in_the_clinics_zone()
    {
        using var client = await SignedInAsync(ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);

        using var response = await client.GetAsync("/manager/export.csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // UTF-8 with BOM: Excel reads the Cyrillic right
        var lines = Encoding.UTF8.GetString(bytes[3..]).TrimEnd().Split("\r\n");
        Assert.Equal(string.Join(';', ExcelHeader), lines[0]);
        Assert.Equal(6, lines.Length); // clinic A's five requests

        var rated = await RequestAsync(ManagerSite.ClinicA, r => r.Review == ManagerSite.ReviewOfA);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(ManagerSite.ClinicAZone);
        var row = Assert.Single(lines, l => l.Contains(ManagerSite.ReviewOfA, StringComparison.Ordinal)).Split(';');
        Assert.Equal(ExcelHeader.Length, row.Length);
        Assert.Equal((rated.Request.AppointmentId, "D-1", ManagerSite.SameName), (row[1], row[3], row[4]));
        Assert.Equal(Local(rated.Visit.StartsAt, zone), row[7]);
        Assert.Equal(ManagerSite.ClinicAZone, row[8]);
        Assert.Equal(("отправлен", "", "1–5", "5"), (row[9], row[10], row[12], row[13]));
        Assert.Equal(Local(rated.Request.DispatchedAt!.Value, zone), row[11]);
        Assert.Equal("ответ на сообщение (SMS)", row[14]);
        Assert.Equal(Local(rated.Request.RatedAt!.Value, zone), row[15]);
        Assert.Equal(Local(rated.Request.ReviewedAt!.Value, zone), row[18]);
        Assert.Matches(DatePattern(), row[15]);
    }

    [Fact]
    public async Task The_programs_form_of_the_file_is_there_on_request_and_an_unknown_one_is_refused()
    {
        using var client = await SignedInAsync(ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);

        var plain = await client.GetStringAsync("/manager/export.csv?format=plain");
        using var unknown = await client.GetAsync("/manager/export.csv?format=pdf");

        Assert.StartsWith("ClinicId,AppointmentId,PatientId,DoctorId,", plain.TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Неизвестный формат файла", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_doctor_filter_lists_each_doctor_once_and_tells_apart_doctors_of_the_same_name()
    {
        using var client = await SignedInAsync(ManagerSite.ManagerOfA, ManagerSite.ManagerOfAPassword);

        var page = await client.GetStringAsync("/manager");

        var select = DoctorSelect().Match(page).Groups[1].Value;
        var options = OptionTag().Matches(select).Select(m => (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        Assert.Equal(
            [
                ("", "все врачи"),
                ("D-1", $"{ManagerSite.SameName} (стоматолог-терапевт, D-1)"),
                ("D-3", $"{ManagerSite.SameName} (хирург, D-3)"),
                ("D-2", "Сидорова Анна Ивановна"),
            ],
            options);
        // The bars name the doctor the same way.
        Assert.Contains($"{ManagerSite.SameName} (стоматолог-терапевт, D-1)", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_without_requests_says_so_instead_of_asked_0()
    {
        using var client = await SignedInAsync(ManagerSite.Chief, ManagerSite.ChiefPassword);

        var page = await client.GetStringAsync($"/manager?from={DateTimeOffset.UtcNow.AddDays(3):yyyy-MM-dd}");

        Assert.Contains("id=\"empty\"", page, StringComparison.Ordinal);
        Assert.Contains("никого не спрашивали", page, StringComparison.Ordinal);
        Assert.DoesNotContain("спросили 0", page, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInAsync(string name, string password)
    {
        var client = site.Client();
        using var signedIn = await ManagerSite.SignInAsync(client, name, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return client;
    }

    private async Task<(FeedbackRequest Request, Visit Visit)> RequestAsync(string clinic, Func<FeedbackRequest, bool> which)
    {
        await using var scope = site.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var request = (await db.Requests.AsNoTracking().Where(r => r.ClinicId == clinic).ToListAsync()).Single(which);
        return (request, await db.Visits.AsNoTracking().SingleAsync(v => v.ClinicId == clinic && v.AppointmentId == request.AppointmentId));
    }

    private static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex("<select name=\"doctorId\" id=\"doctor\">(.*?)</select>")]
    private static partial Regex DoctorSelect();

    [GeneratedRegex("<option value=\"([^\"]*)\"[^>]*>([^<]*)</option>")]
    private static partial Regex OptionTag();
}
