using System.Globalization;
using System.Net;
using System.Text;
using Comms.StaffAccounts;
using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Audience.Tests;

/// <summary>
/// Audience on a real port (Kestrel), for a browser, with three managers and a history made up once (the same every
/// run): clinic <see cref="ClinicA"/> with <see cref="AnalyticsData.PatientsOfA"/> patients of every kind and their
/// portrait, <see cref="ClinicB"/> with a few, and <see cref="EmptyClinic"/> with none. Every figure is asked as of
/// <see cref="AsOf"/>, never today.
/// </summary>
public sealed class AnalyticsSite : IAsyncLifetime
{
    /// <summary>The test classes that share one site (one history, imported once).</summary>
    public const string Collection = "analytics page";

    public const string ClinicA = "an-a";
    public const string ClinicB = "an-b";
    public const string EmptyClinic = "an-empty";
    public const string KeyOfA = "test-analytics-a-key";
    public const string KeyOfB = "test-analytics-b-key";
    public const string Chief = "chief";
    public const string ChiefPassword = "chief-test-password";
    public const string ManagerOfA = "anna.a";
    public const string ManagerOfAPassword = "anna-test-password";
    public const string Viewer = "vera";
    public const string ViewerPassword = "vera-test-password";
    public const string Marketer = "mark";
    public const string MarketerPassword = "mark-test-password";

    public static readonly DateOnly AsOf = new(2026, 6, 30);

    private string _database = "";
    private string _virtualHost = "";

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public CapturedLogs Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("audpage");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("audpage");
        var settings = await TestInfrastructure.ServiceSettingsAsync(_database, _virtualHost);
        settings["Audience:Watch:Interval"] = "01:00:00";
        settings["Mis:Clinics:0:ClinicId"] = ClinicA;
        settings["Mis:Clinics:0:ApiKey"] = KeyOfA;
        settings["Mis:Clinics:1:ClinicId"] = ClinicB;
        settings["Mis:Clinics:1:ApiKey"] = KeyOfB;
        settings["Mis:Clinics:2:ClinicId"] = EmptyClinic;
        settings["Mis:Clinics:2:ApiKey"] = "test-analytics-empty-key";
        settings["Staff:Accounts:0:Name"] = Chief;
        settings["Staff:Accounts:0:DisplayName"] = "Главный врач сети";
        settings["Staff:Accounts:0:PasswordHash"] = StaffPasswords.Hash(ChiefPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:0:Roles:0"] = StaffRoles.Manager;
        settings["Staff:Accounts:1:Name"] = ManagerOfA;
        settings["Staff:Accounts:1:DisplayName"] = "Анна, управляющая an-a";
        settings["Staff:Accounts:1:PasswordHash"] = StaffPasswords.Hash(ManagerOfAPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:1:Roles:0"] = StaffRoles.Manager;
        settings["Staff:Accounts:1:Clinics:0"] = ClinicA;
        // A viewer of the templates, of the same staff list: no role here.
        settings["Staff:Accounts:2:Name"] = Viewer;
        settings["Staff:Accounts:2:PasswordHash"] = StaffPasswords.Hash(ViewerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:2:Roles:0"] = StaffRoles.Viewer;
        // A marketer: signs in here (campaigns), but the analytics page is the managers'.
        settings["Staff:Accounts:3:Name"] = Marketer;
        settings["Staff:Accounts:3:PasswordHash"] = StaffPasswords.Hash(MarketerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:3:Roles:0"] = StaffRoles.Marketer;
        BaseUrl = $"http://127.0.0.1:{ServiceProcess.FreePort()}";
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseUrls(BaseUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(Logs));
        });
        Factory.UseKestrel();
        Factory.StartServer();

        using var api = Api(TestKeys.Operator);
        await ImportAsync(api, "visits", ClinicA, AnalyticsData.VisitsOfA());
        await ImportAsync(api, "patients", ClinicA, AnalyticsData.PatientsCsvOfA());
        await ImportAsync(api, "visits", ClinicB, AnalyticsData.VisitsOfB());
    }

    /// <summary>A client that keeps cookies and does not follow redirects, on the real port.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>A client of the API with the given key.</summary>
    public HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Add(TestKeys.Header, key);
        return client;
    }

    /// <summary>Opens the sign-in page, then posts the form with its antiforgery token.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string name, string password) =>
        StaffSignInForm.PostAsync(client, "/analytics/sign-in", name, password, "/analytics");

    private static async Task ImportAsync(HttpClient api, string kind, string clinic, string csv)
    {
        using var response = await api.PostAsync($"/api/v1/audience/imports/{kind}?clinicId={clinic}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        Assert.Contains("\"rejected\":0", body, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }
}

[CollectionDefinition(AnalyticsSite.Collection)]
public sealed class AnalyticsCollection : ICollectionFixture<AnalyticsSite>;

/// <summary>
/// The made-up history (a fixed seed, so the same every run), as of <see cref="AnalyticsSite.AsOf"/>: in clinic A
/// regular patients, patients who stopped coming (at risk), patients gone for years (lost), new ones, one-time ones and
/// ones who miss their bookings; who they are (ages, sexes, twelve cities, sources); patients who came by
/// recommendation spend about a third more. Clinic B: a few patients of its own.
/// </summary>
public static class AnalyticsData
{
    public const int PatientsOfA = 260;

    /// <summary>An id from the MIS that a spreadsheet would take for a formula; the patient is at risk.</summary>
    public const string FormulaPatient = "=1+2";

    /// <summary>A district from the MIS with markup in it: the page shows it as text.</summary>
    public const string ScriptDistrict = "<script>alert('x')</script>";

    public static readonly string[] Cities =
        ["Москва", "Химки", "Мытищи", "Подольск", "Люберцы", "Королёв", "Балашиха", "Одинцово", "Красногорск", "Реутов", "Домодедово", "Пушкино"];

    public static readonly string[] Districts = ["Хамовники", "Арбат", "Басманный", "Тверской", "Пресненский"];

    private static readonly DateOnly AsOf = AnalyticsSite.AsOf;

    public static string IdOfA(int i) => i == 85 ? FormulaPatient : $"A-{i:000}";

    /// <summary>Every fourth patient came by recommendation (and every tenth was referred by someone the MIS names).</summary>
    public static bool Referred(int i) => i % 4 == 0 || i % 10 == 3;

    public static string VisitsOfA()
    {
        var random = new Random(20260630);
        var rows = new StringBuilder("patientId,date,amount,status\n");
        for (var i = 0; i < PatientsOfA; i++)
        {
            var id = IdOfA(i);
            var check = random.Next(15, 90) * 100m * (Referred(i) ? 1.35m : 1m);
            void Visit(DateOnly day, string status = "completed") =>
                rows.Append(CultureInfo.InvariantCulture, $"{id},{day:yyyy-MM-dd},{(status == "completed" ? check.ToString(CultureInfo.InvariantCulture) : "")},{status}\n");

            switch (i)
            {
                case < 80: // regular: every 50–150 days for up to three years, the last within a month
                {
                    var every = random.Next(50, 150);
                    for (var day = AsOf.AddDays(-random.Next(0, 30)); day > AsOf.AddDays(-1100); day = day.AddDays(-every))
                    {
                        Visit(day);
                    }

                    break;
                }

                case < 150: // stopped: came every 40–90 days, then nothing for 200–450 days
                {
                    var every = random.Next(40, 90);
                    var last = AsOf.AddDays(-random.Next(200, 450));
                    for (var (day, n) = (last, random.Next(4, 9)); n > 0; day = day.AddDays(-every), n--)
                    {
                        Visit(day);
                    }

                    break;
                }

                case < 190: // lost: two to five visits, the last 600–1000 days ago
                {
                    var last = AsOf.AddDays(-random.Next(600, 1000));
                    for (var (day, n) = (last, random.Next(2, 6)); n > 0; day = day.AddDays(-random.Next(60, 200)), n--)
                    {
                        Visit(day);
                    }

                    break;
                }

                case < 220: // new: the first visit within the last 80 days
                    Visit(AsOf.AddDays(-random.Next(1, 80)));
                    break;
                case < 250: // one visit, a year or so ago
                    Visit(AsOf.AddDays(-random.Next(120, 500)));
                    break;
                default: // books and does not come
                    Visit(AsOf.AddDays(-300));
                    Visit(AsOf.AddDays(-200), "no_show");
                    Visit(AsOf.AddDays(-150), "no_show");
                    Visit(AsOf.AddDays(-100));
                    break;
            }
        }

        return rows.ToString();
    }

    public static string PatientsCsvOfA()
    {
        var random = new Random(7);
        string[] sources = ["site", "aggregator", "advertising", ""];
        var rows = new StringBuilder("patientId,birthDate,sex,city,district,acquisitionSource,referredBy\n");
        for (var i = 0; i < PatientsOfA; i++)
        {
            var birth = i % 13 == 5 ? "" : $"{AsOf.AddDays(-random.Next(6 * 365, 85 * 365)):yyyy-MM-dd}";
            var sex = (i % 11) switch { 0 => "", < 7 => "female", _ => "male" };
            var city = i % 17 == 2 ? "" : i < 150 ? "Москва" : Cities[random.Next(Cities.Length)];
            var district = i is 7 or 8 ? ScriptDistrict : city == "Москва" ? Districts[random.Next(Districts.Length)] : "";
            var source = i % 4 == 0 ? "referral" : sources[random.Next(sources.Length)];
            var referredBy = i % 10 == 3 ? $"P-{random.Next(1000, 9999)}" : "";
            rows.Append(CultureInfo.InvariantCulture, $"{IdOfA(i)},{birth},{sex},{city},{district},{source},{referredBy}\n");
        }

        return rows.ToString();
    }

    public static string VisitsOfB()
    {
        var rows = new StringBuilder("patientId,date,amount,status\n");
        for (var i = 0; i < 12; i++)
        {
            // Half come every 60 days up to now; half stopped 300 days ago.
            var last = i % 2 == 0 ? AsOf.AddDays(-5) : AsOf.AddDays(-300);
            for (var n = 0; n < 6; n++)
            {
                rows.Append(CultureInfo.InvariantCulture, $"B-{i:00},{last.AddDays(-60 * n):yyyy-MM-dd},4000,completed\n");
            }
        }

        return rows.ToString();
    }
}
