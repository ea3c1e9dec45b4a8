using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Audience.Features.Campaigns;
using Comms.Contracts.Consent;
using Comms.StaffAccounts;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Comms.Audience.Tests;

/// <summary>
/// Audience with campaigns' staff (a marketer, two approvers, one of them also a marketer, a manager) and a clock of
/// the test's, started from the real now: every date of a test is made from <see cref="Time"/>, and the dispatcher's
/// passes are the test's (<see cref="DispatchAsync"/>).
/// </summary>
public sealed class CampaignsApp() : ServiceApp<Program>("cmp")
{
    public const string ConsentQueue = "audience-consent-facts";
    public const string Marketer = "mila";
    public const string Approver = "ivan";
    public const string MarketerApprover = "olga";
    public const string Manager = "boss";
    public const string ComposeExchange = "Comms.Contracts.Scheduling:ComposeMessage";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly string[] Clinics = ["cmp-1", "cmp-2", "cmp-3", "cmp-4", "cmp-5", "cmp-6", "cmp-7", "cmp-8", "cmp-9", "cmp-10", "cmp-11", "cmp-12", "cmp-13", "wl-1", "wl-2", "wl-3", "wl-4"];

    private long _sequence = 1000;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override bool OnRealPort => true;

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        for (var i = 0; i < Clinics.Length; i++)
        {
            settings[$"Mis:Clinics:{i}:ClinicId"] = Clinics[i];
            settings[$"Mis:Clinics:{i}:ApiKey"] = $"test-campaigns-{Clinics[i]}";
        }

        settings["Audience:Watch:Interval"] = "30.00:00:00";
        // Offers at any hour of the test's clock (the window itself is the campaigns' SendWindow, tested there).
        settings["Audience:Waitlist:WindowFrom"] = "00:00";
        settings["Audience:Waitlist:WindowTo"] = "00:00";
        (string Name, string[] Roles, string? Clinic)[] accounts =
        [
            (Marketer, [StaffRoles.Marketer], null),
            (Approver, [StaffRoles.Approver], null),
            (MarketerApprover, [StaffRoles.Marketer, StaffRoles.Approver], null),
            (Manager, [StaffRoles.Manager], null),
            ("mila.cmp1", [StaffRoles.Marketer], "cmp-1"),
        ];
        for (var i = 0; i < accounts.Length; i++)
        {
            settings[$"Staff:Accounts:{i}:Name"] = accounts[i].Name;
            settings[$"Staff:Accounts:{i}:PasswordHash"] = StaffPasswords.Hash(Password(accounts[i].Name), StaffPasswords.MinimumIterations);
            for (var r = 0; r < accounts[i].Roles.Length; r++)
            {
                settings[$"Staff:Accounts:{i}:Roles:{r}"] = accounts[i].Roles[r];
            }

            if (accounts[i].Clinic is { } clinic)
            {
                settings[$"Staff:Accounts:{i}:Clinics:0"] = clinic;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The test's clock; the dispatcher's and the journey runner's passes are the test's own (their loop is not started).</summary>
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Time);
        foreach (var loop in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CampaignBackground)).ToList())
        {
            services.Remove(loop);
        }
    }

    public static string Password(string name) => $"{name}-test-password";

    /// <summary>A client of the real port that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>A client signed in as the person (a fresh sign-in: the cookie is as old as the test's clock says).</summary>
    public async Task<HttpClient> SignInAsync(string name)
    {
        var client = Client();
        using var response = await StaffSignInForm.PostAsync(client, "/analytics/sign-in", name, Password(name), "/analytics");
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {name} failed: {(int)response.StatusCode}");
        }

        return client;
    }

    /// <summary>Patients with a history of completed visits in the clinic, the last one <paramref name="lastVisitDaysAgo"/> days ago.</summary>
    public Task ImportPatientsAsync(string clinicId, IEnumerable<string> patientIds, int lastVisitDaysAgo = 60) =>
        ImportVisitsAsync(clinicId, patientIds.Select(p => (p, 3, lastVisitDaysAgo, 120, 3000m)));

    /// <summary>Each patient's <c>Visits</c> completed visits, <c>Every</c> days apart, the last <c>LastDaysAgo</c> days ago, each paid <c>Amount</c>.</summary>
    public async Task ImportVisitsAsync(string clinicId, IEnumerable<(string Patient, int Visits, int LastDaysAgo, int Every, decimal Amount)> histories)
    {
        var today = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);
        var csv = new StringBuilder("patientId,date,amount,status,serviceCode\n");
        foreach (var (patient, visits, lastDaysAgo, every, amount) in histories)
        {
            for (var n = 0; n < visits; n++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{patient},{today.AddDays(-lastDaysAgo - every * n):yyyy-MM-dd},{amount},completed,CONS\n");
            }
        }

        await ImportAsync(clinicId, "visits", csv.ToString());
    }

    /// <summary>Who the patients are (birth dates), as the MIS's patient file gives them.</summary>
    public Task ImportBirthDatesAsync(string clinicId, IEnumerable<(string Patient, DateOnly BirthDate)> patients) =>
        ImportAsync(clinicId, "patients", "patientId,birthDate\n" + string.Concat(patients.Select(p => $"{p.Patient},{p.BirthDate:yyyy-MM-dd}\n")));

    /// <summary>Visits as the MIS's file gives them (the CSV's header and rows), dates made from the test's clock by the caller.</summary>
    public Task ImportVisitsCsvAsync(string clinicId, string csv) => ImportAsync(clinicId, "visits", csv);

    private async Task ImportAsync(string clinicId, string kind, string csv)
    {
        using var api = Client();
        api.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);
        using var response = await api.PostAsync($"/api/v1/audience/imports/{kind}?clinicId={clinicId}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created || !body.Contains("\"rejected\":0", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The import failed: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>Moves the clock on to the next <paramref name="hour"/>:00 in Moscow (the clinics' default zone), so a day's batch has the day before it.</summary>
    public void AdvanceToMoscow(int hour)
    {
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var local = TimeZoneInfo.ConvertTime(Time.GetUtcNow(), moscow);
        var next = new DateTimeOffset(local.Date.AddHours(hour), local.Offset);
        if (next <= local)
        {
            next = next.AddDays(1);
        }

        Time.Advance(next - local);
    }

    /// <summary>The waitlist runner's passes until no slot is due (the test's clock decides what expired).</summary>
    public async Task RunWaitlistAsync()
    {
        var runner = Services.GetRequiredService<Features.Waitlist.WaitlistRunner>();
        while (await runner.RunAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>The journey runner's pass (the test's clock decides which day it is).</summary>
    public Task<int> RunJourneysAsync() => Services.GetRequiredService<JourneyRunner>().RunAsync(CancellationToken.None);

    /// <summary>Consents (marketing unless told) as the Consent service tells them, each a new ledger record; waits until Audience has them.</summary>
    public async Task<IReadOnlyList<long>> ConsentAsync(string clinicId, IEnumerable<string> patientIds, bool granted, string channel = "sms", string purpose = "marketing")
    {
        var bus = Services.GetRequiredService<IBus>();
        var before = Received.Finished(ConsentQueue);
        var now = Time.GetUtcNow();
        var sequences = new List<long>();
        foreach (var patient in patientIds)
        {
            var sequence = Interlocked.Increment(ref _sequence);
            sequences.Add(sequence);
            await bus.Publish(new ConsentChanged(sequence, clinicId, patient, Contact(patient, channel), channel, purpose, granted,
                granted ? "mis_checkbox" : "reply", now, now));
        }

        await Eventually.TrueAsync(() => Task.FromResult(Received.Finished(ConsentQueue) >= before + sequences.Count), Patience, "the consents consumed");
        return sequences;
    }

    public static string Contact(string patientId, string channel) =>
        channel == "email" ? $"{patientId.ToLowerInvariant()}@example.ru" : "+7916" + (Math.Abs(patientId.GetHashCode(StringComparison.Ordinal)) % 10_000_000).ToString("0000000", CultureInfo.InvariantCulture);

    /// <summary>A campaign's definition as JSON, the whole day its window, starting now by the test's clock.</summary>
    public Dictionary<string, object?> Definition(string clinicId, string name, int holdoutPercent = 0, int throttlePerHour = 10_000)
    {
        var now = Time.GetUtcNow();
        return new Dictionary<string, object?>
        {
            ["name"] = name,
            ["clinicIds"] = new[] { clinicId },
            ["templateKey"] = "campaign.offer",
            ["channels"] = new[] { "sms" },
            ["startAt"] = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["endAt"] = now.AddDays(10).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["windowFrom"] = "00:00",
            ["windowTo"] = "00:00",
            ["throttlePerHour"] = throttlePerHour,
            ["holdoutPercent"] = holdoutPercent,
            ["recentCampaignDays"] = 0,
        };
    }

    /// <summary>Made by <paramref name="author"/>; returns its id.</summary>
    public static async Task<Guid> CreateAsync(HttpClient author, Dictionary<string, object?> definition)
    {
        using var response = await author.PostAsJsonAsync("/api/v1/campaigns", definition);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Creating the campaign failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> LaunchAsync(HttpClient approver, Guid id)
    {
        using var response = await approver.PostAsync($"/api/v1/campaigns/{id}/launch", null);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Launching the campaign failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {path} failed: {(int)response.StatusCode} {body}");
        }

        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The campaign's recipients by patient id.</summary>
    public static async Task<Dictionary<string, JsonElement>> RecipientsAsync(HttpClient client, Guid id) =>
        (await GetJsonAsync(client, $"/api/v1/campaigns/{id}/recipients")).GetProperty("recipients").EnumerateArray()
            .ToDictionary(r => r.GetProperty("patientId").GetString()!, r => r.Clone());

    /// <summary>The dispatcher's passes until nothing due is left, after the clock moved on by <paramref name="after"/> (the throttle spaces the messages).</summary>
    public async Task DispatchAsync(TimeSpan after = default)
    {
        Time.Advance(after);
        var dispatcher = Services.GetRequiredService<CampaignDispatcher>();
        while (await dispatcher.DispatchDueAsync(CancellationToken.None) > 0)
        {
        }
    }
}
