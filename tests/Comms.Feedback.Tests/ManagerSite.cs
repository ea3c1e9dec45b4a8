using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.StaffAccounts;
using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Feedback.Tests;

/// <summary>
/// Feedback on a real port (Kestrel), for a browser, with two managers and a known set of answers: clinic A
/// (<see cref="ClinicA"/>, zone <see cref="ClinicAZone"/>) has doctors D-1 (5, 5, 4) and D-2 (2, and one not answered),
/// and D-3, of the same name as D-1 but another specialty, with a visit and no request yet; clinic B one rating 1 and a
/// review with a script tag in it.
/// </summary>
public sealed class ManagerSite : IAsyncLifetime
{
    public const string ClinicA = "mgr-a";
    public const string ClinicB = "mgr-b";
    public const string ClinicAZone = "Asia/Yekaterinburg";
    public const string SameName = "Петров Павел Петрович";
    public const string Chief = "chief";
    public const string ChiefPassword = "chief-test-password";
    public const string ManagerOfA = "anna.a";
    public const string ManagerOfAPassword = "anna-test-password";
    public const string Marketer = "mark";
    public const string MarketerPassword = "mark-test-password";
    public const string ReviewOfA = "Всё отлично, спасибо доктору";
    public const string ReviewOfD2 = "Долго ждали в коридоре";
    public const string ScriptReview = "<script>alert('b')</script> плохо";

    private string _database = "";
    private string _virtualHost = "";
    private Dictionary<string, string?> _settings = [];

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("fbmgr");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("fbmgr");
        var settings = _settings = await TestInfrastructure.ServiceSettingsAsync(_database, _virtualHost);
        settings["Feedback:DispatchInterval"] = "01:00:00";
        settings["Staff:Accounts:0:Name"] = Chief;
        settings["Staff:Accounts:0:PasswordHash"] = StaffPasswords.Hash(ChiefPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:0:Roles:0"] = StaffRoles.Manager;
        settings["Staff:Accounts:1:Name"] = ManagerOfA;
        settings["Staff:Accounts:1:PasswordHash"] = StaffPasswords.Hash(ManagerOfAPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:1:Roles:0"] = StaffRoles.Manager;
        settings["Staff:Accounts:1:Clinics:0"] = ClinicA;
        // A marketer of the same staff list: no role on the managers' page.
        settings["Staff:Accounts:2:Name"] = Marketer;
        settings["Staff:Accounts:2:PasswordHash"] = StaffPasswords.Hash(MarketerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:2:Roles:0"] = StaffRoles.Marketer;
        var port = ServiceProcess.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            builder.UseUrls(BaseUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        Factory.UseKestrel();
        Factory.StartServer();
        await SeedAsync();
    }

    /// <summary>A second replica on the same database and broker, in memory (TestServer), with settings changed if asked.</summary>
    public WebApplicationFactory<Program> Replica(IReadOnlyDictionary<string, string>? changed = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in _settings)
            {
                builder.UseSetting(key, value);
            }

            foreach (var (key, value) in changed ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
        });

    /// <summary>A client that keeps cookies and does not follow redirects, on the real port.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>Opens the sign-in page, then posts the form with its antiforgery token.</summary>
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string name, string password) =>
        StaffSignInForm.PostAsync(client, "/manager/sign-in", name, password, "/manager");

    private async Task SeedAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var now = DateTimeOffset.UtcNow;
        (string Clinic, string Doctor, string DoctorName, string Service, int? Rating, string? Review)[] set =
        [
            (ClinicA, "D-1", SameName, "DENT-HYG", 5, ReviewOfA),
            (ClinicA, "D-1", SameName, "DENT-HYG", 5, null),
            (ClinicA, "D-1", SameName, "DENT-FILL", 4, null),
            (ClinicA, "D-2", "Сидорова Анна Ивановна", "DENT-HYG", 2, ReviewOfD2),
            (ClinicA, "D-2", "Сидорова Анна Ивановна", "DENT-HYG", null, null),
            (ClinicB, "D-7", "Кузнецов Олег", "CARD-ECG", 1, ScriptReview),
        ];
        for (var i = 0; i < set.Length; i++)
        {
            var (clinic, doctor, doctorName, service, rating, review) = set[i];
            var appointmentId = $"{clinic}-{i + 1}";
            var completed = now.AddHours(-48 + i);
            db.Visits.Add(new Visit
            {
                ClinicId = clinic, AppointmentId = appointmentId, Status = VisitStatuses.Completed, HasDetails = true, Version = 2,
                StartsAt = completed.AddHours(-1), ClinicName = "Клиника " + clinic, PatientId = "P-" + i, LastName = "Иванова",
                ClinicTimeZone = clinic == ClinicA ? ClinicAZone : null,
                FirstName = "Анна", DoctorId = doctor, DoctorName = doctorName, DoctorSpecialty = doctor == "D-1" ? "стоматолог-терапевт" : null, ServiceCode = service,
                ServiceName = service == "DENT-HYG" ? "Профессиональная гигиена" : service, CompletedAt = completed, UpdatedAt = completed,
            });
            db.Requests.Add(new FeedbackRequest
            {
                MessageId = Guid.CreateVersion7(), ClinicId = clinic, AppointmentId = appointmentId, PatientId = "P-" + i,
                Status = RequestStatuses.Sent, Scale = RatingScales.Stars5, Channels = ["sms"], CreatedAt = completed,
                DueAt = completed.AddHours(2), DispatchedAt = completed.AddHours(2),
                Rating = rating, RatedAt = rating is null ? null : completed.AddHours(3), RatingChannel = rating is null ? null : "sms",
                Review = review, ReviewedAt = review is null ? null : completed.AddHours(4), ReviewChannel = review is null ? null : "sms",
            });
        }

        // Booked, not yet completed: no request, so no numbers; but the doctor is in the clinic's list.
        db.Visits.Add(new Visit
        {
            ClinicId = ClinicA, AppointmentId = ClinicA + "-booked", Status = VisitStatuses.Booked, HasDetails = true, Version = 1,
            StartsAt = now.AddDays(1), ClinicName = "Клиника " + ClinicA, ClinicTimeZone = ClinicAZone, PatientId = "P-booked",
            DoctorId = "D-3", DoctorName = SameName, DoctorSpecialty = "хирург", ServiceCode = "SURG", ServiceName = "Удаление зуба", UpdatedAt = now,
        });
        await db.SaveChangesAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }
}
