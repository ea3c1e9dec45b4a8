using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary>The analytics page and its file over plain HTTP: who gets in, what a manager limited to one clinic sees, what the file holds.</summary>
[Collection(AnalyticsSite.Collection)]
public sealed class AnalyticsPageTests(AnalyticsSite site)
{
    private static readonly string AsOf = $"{AnalyticsSite.AsOf:yyyy-MM-dd}";

    [Fact]
    public async Task Without_the_cookie_the_page_and_the_file_redirect_to_sign_in()
    {
        using var client = site.Client();

        using var page = await client.GetAsync($"/analytics?asOf={AsOf}");
        using var csv = await client.GetAsync("/analytics/at-risk.csv");
        using var signIn = await client.GetAsync("/analytics/sign-in");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/analytics/sign-in", page.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fanalytics%3FasOf%3D2026-06-30", page.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, csv.StatusCode);
        Assert.Equal("/analytics/sign-in", csv.Headers.Location!.AbsolutePath);
        Assert.Contains("<title>Вход — Аналитика пациентов и рассылки</title>", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_and_an_account_without_a_role_here_do_not_sign_in_and_a_marketer_does_not_see_the_page()
    {
        using var client = site.Client();
        using var marketerClient = site.Client();

        using var wrong = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Chief, "not-the-password");
        using var viewer = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Viewer, AnalyticsSite.ViewerPassword);
        using var page = await client.GetAsync("/analytics");
        using var marketer = await AnalyticsSite.SignInAsync(marketerClient, AnalyticsSite.Marketer, AnalyticsSite.MarketerPassword);
        using var marketersPage = await marketerClient.GetAsync("/analytics");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Неверное имя пользователя или пароль", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, marketer.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, marketersPage.StatusCode);
        Assert.Equal("/analytics/sign-in", marketersPage.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task The_sign_in_cookie_is_the_pages_own_http_only_and_same_site_strict()
    {
        using var client = site.Client();

        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Chief, AnalyticsSite.ChiefPassword);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/analytics", signedIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Comms.Audience.Managers=", StringComparison.Ordinal));
        Assert.Contains("path=/;", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_manager_of_clinic_A_never_sees_clinic_B_on_the_page_or_in_the_file()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);

        using var own = await client.GetAsync($"/analytics?asOf={AsOf}");
        var html = await own.Content.ReadAsStringAsync();
        using var otherPage = await client.GetAsync($"/analytics?clinicId={AnalyticsSite.ClinicB}&asOf={AsOf}");
        using var otherCsv = await client.GetAsync($"/analytics/at-risk.csv?clinicId={AnalyticsSite.ClinicB}&asOf={AsOf}");
        var ownCsv = await client.GetStringAsync($"/analytics/at-risk.csv?asOf={AsOf}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("<select name=\"clinicId\" id=\"clinic\"><option value=\"an-a\" selected>an-a</option></select>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(AnalyticsSite.ClinicB, html, StringComparison.Ordinal);
        Assert.DoesNotContain("B-0", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherPage.StatusCode);
        var refusal = await otherPage.Content.ReadAsStringAsync();
        Assert.Contains("Нет доступа к этой клинике", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("B-0", refusal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, otherCsv.StatusCode);
        Assert.DoesNotContain("B-0", await otherCsv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("B-0", ownCsv, StringComparison.Ordinal);
        Assert.Contains($"{AnalyticsSite.ClinicA};A-", ownCsv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manager_of_every_clinic_chooses_among_them_and_a_clinic_without_history_says_how_to_import_it()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Chief, AnalyticsSite.ChiefPassword);

        var first = await client.GetStringAsync($"/analytics?asOf={AsOf}");
        var b = await client.GetStringAsync($"/analytics?clinicId={AnalyticsSite.ClinicB}&asOf={AsOf}");
        var empty = await client.GetStringAsync($"/analytics?clinicId={AnalyticsSite.EmptyClinic}&asOf={AsOf}");

        Assert.Contains("<option value=\"an-a\" selected>an-a</option><option value=\"an-b\">an-b</option><option value=\"an-empty\">an-empty</option>", first, StringComparison.Ordinal);
        Assert.Contains("<code class=\"patient\">B-01</code>", b, StringComparison.Ordinal);
        Assert.DoesNotContain("A-0", b, StringComparison.Ordinal);
        Assert.Contains("id=\"empty\"", empty, StringComparison.Ordinal);
        Assert.Contains("По клинике an-empty пока нет истории визитов", empty, StringComparison.Ordinal);
        Assert.Contains("/api/v1/audience/imports/visits?clinicId=an-empty", empty, StringComparison.Ordinal);
        Assert.Contains("patientId;date;amount;status", empty, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"segments\"", empty, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"csv\"", empty, StringComparison.Ordinal); // nothing to download
        Assert.Contains("id=\"no-traits\">МИС не передала о пациентах клиники ни возраста", b, StringComparison.Ordinal); // B's MIS never said who they are
    }

    [Fact]
    public async Task The_segments_table_adds_up_to_the_clinics_patients_with_the_apis_counts_in_russian_numbers()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);
        using var api = site.Api(AnalyticsSite.KeyOfA);

        var html = await client.GetStringAsync($"/analytics?asOf={AsOf}");
        var counts = new Dictionary<string, int>();
        foreach (var segment in new[] { "vip", "stable", "one_time", "unprofitable", "new", "at_risk", "lost" })
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/patients?asOf={AsOf}&segment={segment}&pageSize=1");
            counts[segment] = page.GetProperty("total").GetInt32();
        }

        Assert.Equal(AnalyticsData.PatientsOfA, counts.Values.Sum());
        Assert.All(counts, c => Assert.True(c.Value > 0, $"no patient in {c.Key}"));
        foreach (var (segment, count) in counts)
        {
            Assert.Matches($"<tr data-segment=\"{segment}\"><td>[^<]+</td><td class=\"n\">{count}</td>", html);
        }

        Assert.Contains("<td>Всего</td><td class=\"n\">260</td><td class=\"n wide\">100&#160;%</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-segment=\"at_risk\"><td>В зоне риска</td>", html, StringComparison.Ordinal);
        Assert.Matches("<b id=\"total-ltv\">\\d{1,3}(&#160;\\d{3})+&#160;₽</b>", html); // «5 733 181 ₽», no-break spaces
        Assert.Equal(7, CountOf(html, "<g data-key=\"", within: "id=\"segment-patients\""));
    }

    [Fact]
    public async Task The_at_risk_list_is_ordered_by_value_at_risk_fifty_a_page_with_the_reasons_and_no_names()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);
        using var api = site.Api(AnalyticsSite.KeyOfA);
        var expected = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/patients?asOf={AsOf}&segment=at_risk&pageSize=1000");
        var ids = expected.GetProperty("patients").EnumerateArray().Select(p => p.GetProperty("patientId").GetString()!).ToList();

        var first = await client.GetStringAsync($"/analytics?asOf={AsOf}");
        var second = await client.GetStringAsync($"/analytics?asOf={AsOf}&page=2");

        Assert.True(ids.Count > 50, $"{ids.Count} at risk");
        Assert.Equal(ids.Take(50), Patients(first));
        Assert.Equal(ids.Skip(50).Take(50), Patients(second));
        Assert.Contains("id=\"no-names\">Audience не хранит имён и телефонов пациентов", first, StringComparison.Ordinal);
        Assert.Contains("Не приходит ", first, StringComparison.Ordinal); // the overdue signal's text
        Assert.Contains($"Показаны 1–50 из {ids.Count}", first, StringComparison.Ordinal);
        Assert.Contains("id=\"next\"", first, StringComparison.Ordinal);
        Assert.Contains("id=\"previous\"", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_lost_the_list_and_the_file_hold_the_lost_patients_too()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);

        var atRisk = await client.GetStringAsync($"/analytics/at-risk.csv?asOf={AsOf}");
        var withLost = await client.GetStringAsync($"/analytics/at-risk.csv?asOf={AsOf}&list=with_lost");

        Assert.DoesNotContain(";Потерянные;", atRisk, StringComparison.Ordinal);
        Assert.Contains(";Потерянные;", withLost, StringComparison.Ordinal);
        Assert.True(Rows(withLost).Count > Rows(atRisk).Count);
    }

    [Fact]
    public async Task The_file_is_for_russian_excel_with_every_at_risk_patient_and_no_formula()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);
        using var api = site.Api(AnalyticsSite.KeyOfA);
        var expected = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/patients?asOf={AsOf}&segment=at_risk&pageSize=1000");

        using var response = await client.GetAsync($"/analytics/at-risk.csv?clinicId={AnalyticsSite.ClinicA}&asOf={AsOf}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var rows = Rows(Encoding.UTF8.GetString(bytes));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment; filename=\"at-risk-an-a-2026-06-30.csv\"", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal(
            "Клиника;Пациент (номер в МИС);Сегмент;Под угрозой, ₽;LTV, ₽;Вероятность, что пациент ещё с клиникой, %;Последний визит;Дней без визита;Визитов;Средний чек, ₽;Почему;Сигналы (коды)",
            rows[0].TrimStart('\uFEFF'));
        var patients = expected.GetProperty("patients").EnumerateArray().ToList();
        Assert.Equal(patients.Count, rows.Count - 1);
        for (var i = 0; i < patients.Count; i++)
        {
            var id = patients[i].GetProperty("patientId").GetString()!;
            Assert.StartsWith(id == AnalyticsData.FormulaPatient ? "an-a;\"'=1+2\";В зоне риска;" : $"an-a;{id};В зоне риска;", rows[i + 1], StringComparison.Ordinal);
        }

        // A number as Russian Excel reads one (a decimal comma, no spaces), a date as dd.MM.yyyy, the signals' codes.
        var top = patients[0];
        Assert.Matches($"^an-a;[^;]+;В зоне риска;{Money(top.GetProperty("valueAtRisk").GetDecimal())};{Money(top.GetProperty("ltv").GetDecimal())};\\d*;\\d\\d\\.\\d\\d\\.20\\d\\d;\\d+;\\d+;[\\d,]+;", rows[1]);
        Assert.Contains(rows, r => r.EndsWith(";overdue", StringComparison.Ordinal) || r.Contains(";\"overdue,", StringComparison.Ordinal) || r.Contains(";overdue,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_portrait_shows_what_the_mis_said_as_text_and_the_value_of_referred_patients()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);

        var all = await client.GetStringAsync($"/analytics?asOf={AsOf}");
        var vip = await client.GetStringAsync($"/analytics?asOf={AsOf}&portrait=vip");

        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", all, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h2>Портрет: все пациенты <small class=\"muted\">260 пациентов</small></h2>", all, StringComparison.Ordinal);
        Assert.Equal(6, CountOf(all, "<text class=\"count\" data-key=\"", within: "id=\"ages\""));
        Assert.Contains("data-key=\"other\"", all, StringComparison.Ordinal); // twelve cities: the top ten and the rest
        Assert.Matches("id=\"referral\">Средний LTV пациентов, пришедших по рекомендации, — <b>[\\d&#;]+₽</b> \\(\\d+ пациент[а-я]*\\), у остальных — <b>[\\d&#;]+₽</b> \\(\\d+ пациент[а-я]*\\): <b>на \\d+&#160;% больше</b>", all);
        Assert.Contains("<h2>Портрет: VIP <small class=\"muted\">", vip, StringComparison.Ordinal);
        Assert.Contains("<option value=\"vip\" selected>VIP</option>", vip, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_is_told_in_words_fitted_with_its_parameters_in_days_and_the_clinics_own_lifetime()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Chief, AnalyticsSite.ChiefPassword);

        var a = await client.GetStringAsync($"/analytics?asOf={AsOf}");
        var b = await client.GetStringAsync($"/analytics?clinicId={AnalyticsSite.ClinicB}&asOf={AsOf}");

        Assert.Contains("Вероятностная модель BG/NBD <b>подобрана</b>", a, StringComparison.Ordinal);
        Assert.Matches("α = [\\d,&#;]+ дн(я|ей|ь) — пока пациент с клиникой, он приходит в среднем раз в \\d+ дн", a);
        Assert.Contains("посчитан по самой клинике", a, StringComparison.Ordinal);
        Assert.Contains("Вероятностная модель BG/NBD <b>не подобрана</b>: пациентов с повторными визитами 12, а нужно не меньше 30", b, StringComparison.Ordinal);
        Assert.Contains("значение по умолчанию (Audience:DefaultLifetimeYears)", b, StringComparison.Ordinal);
        Assert.Contains("<b>3 года</b>", b, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_that_is_none_is_a_russian_400_and_the_page_says_which_date_it_counts_to()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);

        using var bad = await client.GetAsync("/analytics?asOf=30.06.2026");
        var page = await client.GetStringAsync($"/analytics?asOf={AsOf}");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Дата не распознана", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("на конец дня 30 июня 2026", page, StringComparison.Ordinal);
        Assert.Contains("value=\"2026-06-30\"", page, StringComparison.Ordinal);
        Assert.Equal("no-store", bad.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task The_service_logs_nothing_of_the_patients_it_shows()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.ManagerOfA, AnalyticsSite.ManagerOfAPassword);

        await client.GetStringAsync($"/analytics?asOf={AsOf}&portrait=at_risk");
        await client.GetStringAsync($"/analytics/at-risk.csv?asOf={AsOf}");

        var logged = string.Join("\n", site.Logs.Entries.Select(e => e.ToString()));
        Assert.DoesNotContain("A-0", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("Москва", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(AnalyticsSite.ManagerOfAPassword, logged, StringComparison.Ordinal);
    }

    internal static List<string> Patients(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "<code class=\"patient\">([^<]+)</code>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    internal static List<string> Rows(string csv) => [.. csv.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r'))];

    private static string Money(decimal amount) => decimal.Round(amount, 2).ToString("0.##", System.Globalization.CultureInfo.GetCultureInfo("ru-RU"));

    /// <summary>How many times <paramref name="what"/> occurs in the element that starts with <paramref name="within"/> (up to its end tag).</summary>
    private static int CountOf(string html, string what, string within)
    {
        var start = html.IndexOf(within, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {within}");
        var end = html.IndexOf("</svg>", start, StringComparison.Ordinal);
        var part = html[start..end];
        var count = 0;
        for (var i = part.IndexOf(what, StringComparison.Ordinal); i >= 0; i = part.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task The_messages_period_defaults_to_the_90_days_up_to_the_date_and_a_bad_one_is_a_page_of_refusal()
    {
        using var client = site.Client();
        using var signedIn = await AnalyticsSite.SignInAsync(client, AnalyticsSite.Chief, AnalyticsSite.ChiefPassword);

        var page = await client.GetStringAsync($"/analytics?clinicId={AnalyticsSite.ClinicA}&asOf={AsOf}");
        using var chosen = await client.GetAsync($"/analytics?clinicId={AnalyticsSite.ClinicA}&asOf={AsOf}&from=2026-01-01&to=2026-03-31");
        using var unreadable = await client.GetAsync($"/analytics?clinicId={AnalyticsSite.ClinicA}&asOf={AsOf}&from=01.01.2026");
        using var backwards = await client.GetAsync($"/analytics?clinicId={AnalyticsSite.ClinicA}&asOf={AsOf}&from=2026-04-01&to=2026-03-01");

        Assert.Contains("name=\"from\" id=\"from\" value=\"2026-04-02\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"to\" id=\"to\" value=\"2026-06-30\"", page, StringComparison.Ordinal);
        Assert.Contains("<section class=\"panel\" id=\"channels\">", page, StringComparison.Ordinal);
        Assert.Contains("<p id=\"channels-empty\">", page, StringComparison.Ordinal); // the made-up clinic got no messages
        Assert.Contains("<section class=\"panel\" id=\"timing\">", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, chosen.StatusCode);
        Assert.Contains("отправленные с 1 января 2026 по 31 марта 2026", await chosen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("Период не распознан", await unreadable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("Период не подходит", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
