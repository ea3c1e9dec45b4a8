using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Audience.Features.Campaigns;
using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary>
/// Journeys: approved once by a person, then a batch every day by their rule, each batch under the cap and the window,
/// paused with the journey. The clock is the app's; each test has a clinic of its own.
/// </summary>
[Collection(CampaignCollection.Name)]
public sealed class JourneyTests(CampaignsApp app)
{
    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    [Fact]
    public async Task A_birthday_journey_approved_once_makes_each_days_batch_of_that_days_birthdays_until_it_is_paused()
    {
        const string clinic = "cmp-9";
        app.AdvanceToMoscow(9);
        var today = Today();
        // 28 years back keeps 29 February a birthday that exists.
        await app.ImportPatientsAsync(clinic, ["BD-today", "BD-tomorrow", "BD-other"]);
        await app.ImportBirthDatesAsync(clinic, [("BD-today", today.AddYears(-28)), ("BD-tomorrow", today.AddDays(1).AddYears(-28)), ("BD-other", today.AddDays(100).AddYears(-28))]);
        await app.ConsentAsync(clinic, ["BD-today", "BD-tomorrow", "BD-other"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var definition = app.Definition(clinic, "С днём рождения");
        definition["journey"] = "birthday";
        definition["templateKey"] = "campaign.birthday";
        definition.Remove("endAt");
        var journey = await CampaignsApp.CreateAsync(marketer, definition);

        await app.RunJourneysAsync();
        Assert.Empty(await BatchesAsync(marketer, journey)); // a draft makes nothing
        var launched = await CampaignsApp.LaunchAsync(approver, journey);
        Assert.Equal(("journey", "running"), (launched.GetProperty("kind").GetString(), launched.GetProperty("status").GetString()));

        await app.RunJourneysAsync();
        await app.RunJourneysAsync(); // the day's batch is made once
        var first = Assert.Single(await BatchesAsync(marketer, journey));
        Assert.Equal(today, DateOnly.Parse(first.GetProperty("batchDay").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var firstId = first.GetProperty("id").GetGuid();
        var batch = await CampaignsApp.GetJsonAsync(marketer, $"/api/v1/campaigns/{firstId}");
        Assert.Equal(("batch", journey, CampaignsApp.Approver), (batch.GetProperty("kind").GetString(), batch.GetProperty("parentId").GetGuid(), batch.GetProperty("approvedBy").GetString()));
        Assert.Equal(["BD-today"], (await CampaignsApp.RecipientsAsync(marketer, firstId)).Keys);
        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));
        Assert.Equal("sent", (await CampaignsApp.RecipientsAsync(marketer, firstId))["BD-today"].GetProperty("state").GetString());

        app.Time.Advance(TimeSpan.FromDays(1));
        using var marketerNext = await app.SignInAsync(CampaignsApp.Marketer);
        using var approverNext = await app.SignInAsync(CampaignsApp.Approver);
        await app.RunJourneysAsync();
        var batches = await BatchesAsync(marketerNext, journey);
        Assert.Equal(2, batches.Count);
        var secondId = batches[0].GetProperty("id").GetGuid();
        Assert.Equal(["BD-tomorrow"], (await CampaignsApp.RecipientsAsync(marketerNext, secondId)).Keys);

        using var pause = await approverNext.PostAsync($"/api/v1/campaigns/{journey}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        Assert.Equal("paused", (await CampaignsApp.GetJsonAsync(marketerNext, $"/api/v1/campaigns/{secondId}")).GetProperty("status").GetString());
        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));
        Assert.Equal("planned", (await CampaignsApp.RecipientsAsync(marketerNext, secondId))["BD-tomorrow"].GetProperty("state").GetString());
        app.Time.Advance(TimeSpan.FromDays(1));
        using var marketerLater = await app.SignInAsync(CampaignsApp.Marketer);
        await app.RunJourneysAsync();
        Assert.Equal(2, (await BatchesAsync(marketerLater, journey)).Count);
    }

    [Fact]
    public async Task The_frequency_cap_holds_across_a_campaign_and_a_journey_and_reactivation_goes_to_the_most_value_at_risk_first_once()
    {
        const string clinic = "cmp-10";
        // Came every 30 days, then stopped: at risk; the one who paid more has more value at risk. One came recently: not at risk.
        await app.ImportVisitsAsync(clinic, [("RA-small", 8, 150, 30, 2000m), ("RA-large", 8, 150, 30, 9000m), ("RA-capped", 8, 150, 30, 5000m), ("RA-regular", 8, 5, 30, 3000m)]);
        await app.ConsentAsync(clinic, ["RA-small", "RA-large", "RA-capped", "RA-regular"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        using var analytics = app.Client();
        analytics.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);
        foreach (var (patient, segment) in new[] { ("RA-small", "at_risk"), ("RA-large", "at_risk"), ("RA-capped", "at_risk"), ("RA-regular", "stable") })
        {
            var figures = await analytics.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{clinic}/patients/{patient}");
            Assert.True(figures.GetProperty("segment").GetString() == segment, $"{patient} is {figures.GetProperty("segment").GetString()}, the test needs {segment}");
        }

        // A campaign reaches the three at risk today.
        var campaignDefinition = app.Definition(clinic, "Акция недели");
        campaignDefinition["segments"] = new[] { "at_risk" };
        var campaign = await CampaignsApp.CreateAsync(marketer, campaignDefinition);
        await CampaignsApp.LaunchAsync(approver, campaign);
        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));
        var reached = (await CampaignsApp.RecipientsAsync(marketer, campaign)).Where(r => r.Value.GetProperty("state").GetString() == "sent").Select(r => r.Key).ToList();
        Assert.Equal(3, reached.Count);
        using (var stop = await approver.PostAsync($"/api/v1/campaigns/{campaign}/stop", null))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        // The journey's next day: all three had their marketing message of the week.
        var definition = app.Definition(clinic, "Вернуть ушедших");
        definition["journey"] = "reactivation";
        definition["templateKey"] = "campaign.reactivation";
        definition["throttlePerHour"] = 60;
        definition.Remove("endAt");
        var journey = await CampaignsApp.CreateAsync(marketer, definition);
        await CampaignsApp.LaunchAsync(approver, journey);
        app.AdvanceToMoscow(9);
        await app.RunJourneysAsync();
        using var marketerNext = await app.SignInAsync(CampaignsApp.Marketer);
        var capped = Assert.Single(await BatchesAsync(marketerNext, journey));
        Assert.Empty(await CampaignsApp.RecipientsAsync(marketerNext, capped.GetProperty("id").GetGuid()));
        var made = (await CampaignsApp.GetJsonAsync(marketerNext, $"/api/v1/campaigns/{journey}")).GetProperty("audit").EnumerateArray()
            .Single(a => a.GetProperty("action").GetString() == "batch_made").GetProperty("detail").GetString();
        Assert.Contains("предел частоты рекламных сообщений: 3", made, StringComparison.Ordinal);

        // A week later the cap has room: the day's batch, the most value at risk first, one a minute; the regular patient is not in it.
        app.Time.Advance(TimeSpan.FromDays(7));
        await app.RunJourneysAsync();
        using var marketerLater = await app.SignInAsync(CampaignsApp.Marketer);
        var batches = await BatchesAsync(marketerLater, journey);
        Assert.Equal(2, batches.Count);
        var week = batches[0].GetProperty("id").GetGuid();
        var order = (await CampaignsApp.RecipientsAsync(marketerLater, week)).Values
            .OrderBy(r => r.GetProperty("dueAt").GetDateTimeOffset()).Select(r => r.GetProperty("patientId").GetString()).ToList();
        Assert.Equal(["RA-large", "RA-capped", "RA-small"], order);

        // Sent, they are not its audience again the next day (the repeat days).
        await app.DispatchAsync(after: TimeSpan.FromMinutes(3));
        app.Time.Advance(TimeSpan.FromDays(1));
        await app.RunJourneysAsync();
        using var marketerAfter = await app.SignInAsync(CampaignsApp.Marketer);
        var after = await BatchesAsync(marketerAfter, journey);
        Assert.Equal(3, after.Count);
        Assert.Empty(await CampaignsApp.RecipientsAsync(marketerAfter, after[0].GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_recall_journey_writes_to_whom_the_services_interval_has_come_and_a_course_journey_to_whom_left_a_course()
    {
        app.AdvanceToMoscow(9);
        var today = Today();
        // Every patient comes for CONS every 30 days: the interval Audience recommends is 30. The last visit 30 days ago:
        // due today; 10 days ago: not yet; 60 days ago: due a month ago, past the week a recall catches up on.
        string Rows(string patient, int lastDaysAgo) => string.Concat(Enumerable.Range(0, 5).Select(n =>
            $"{patient},{today.AddDays(-lastDaysAgo - 30 * n):yyyy-MM-dd},2500,completed,CONS,\n"));
        await app.ImportVisitsCsvAsync("cmp-12", "patientId,date,amount,status,serviceCode,courseId\n"
            + Rows("RC-due", 30) + Rows("RC-early", 10) + Rows("RC-late", 60) + Rows("RC-booked", 30));
        // Due too, but the MIS has their next visit booked already.
        await using (var mis = await RabbitQueueProbe.ConnectAsync(app.VirtualHost))
        {
            var before = app.Received.Finished(AudienceApp.MisQueue);
            await mis.PublishAsync("mis.events", "appointment.booked", JsonSerializer.Serialize(new
            {
                specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/test", type = "appointment.booked", time = app.Time.GetUtcNow(),
                data = new
                {
                    appointmentId = "RC-A-1", version = 1, startsAt = app.Time.GetUtcNow().AddDays(5),
                    clinic = new { clinicId = "cmp-12", name = "Клиника", timeZone = "Europe/Moscow" },
                    patient = new { patientId = "RC-booked", firstName = "Анна", phone = CampaignsApp.Contact("RC-booked", "sms") },
                },
            }));
            await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) > before), CampaignsApp.Patience, "the booking consumed");
        }

        // One stopped a course: its second step cancelled, nothing booked after.
        await app.ImportVisitsCsvAsync("cmp-13", "patientId,date,amount,status,serviceCode,courseId\n"
            + $"CR-left,{today.AddDays(-40):yyyy-MM-dd},4000,completed,ORTHO,K-1\n"
            + $"CR-left,{today.AddDays(-20):yyyy-MM-dd},,cancelled,ORTHO,K-1\n"
            + $"CR-done,{today.AddDays(-40):yyyy-MM-dd},4000,completed,ORTHO,K-2\n"
            + $"CR-done,{today.AddDays(-20):yyyy-MM-dd},4000,completed,ORTHO,K-2\n");
        await app.ConsentAsync("cmp-12", ["RC-due", "RC-early", "RC-late", "RC-booked"], granted: true);
        await app.ConsentAsync("cmp-13", ["CR-left", "CR-done"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var journeys = new Dictionary<string, Guid>();
        foreach (var (clinic, journey) in new[] { ("cmp-12", "recall"), ("cmp-13", "course") })
        {
            var definition = app.Definition(clinic, $"Сценарий {journey}");
            definition["journey"] = journey;
            definition["templateKey"] = $"campaign.{journey}";
            definition.Remove("endAt");
            journeys[journey] = await CampaignsApp.CreateAsync(marketer, definition);
            await CampaignsApp.LaunchAsync(approver, journeys[journey]);
        }

        await app.RunJourneysAsync();

        var recall = Assert.Single(await BatchesAsync(marketer, journeys["recall"])).GetProperty("id").GetGuid();
        Assert.Equal(["RC-due"], (await CampaignsApp.RecipientsAsync(marketer, recall)).Keys);
        var course = Assert.Single(await BatchesAsync(marketer, journeys["course"])).GetProperty("id").GetGuid();
        Assert.Equal(["CR-left"], (await CampaignsApp.RecipientsAsync(marketer, course)).Keys);
    }

    [Fact]
    public void A_birthday_on_29_february_is_greeted_on_the_28th_in_other_years()
    {
        var leapling = new DateOnly(1996, 2, 29);

        Assert.True(CampaignAudience.IsBirthday(leapling, new DateOnly(2027, 2, 28)));
        Assert.False(CampaignAudience.IsBirthday(leapling, new DateOnly(2028, 2, 28)));
        Assert.True(CampaignAudience.IsBirthday(leapling, new DateOnly(2028, 2, 29)));
        Assert.False(CampaignAudience.IsBirthday(new DateOnly(1990, 3, 1), new DateOnly(2027, 2, 28)));
    }

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), Moscow).DateTime);

    private static async Task<List<JsonElement>> BatchesAsync(HttpClient client, Guid journey) =>
        [.. (await CampaignsApp.GetJsonAsync(client, $"/api/v1/campaigns/{journey}/batches")).EnumerateArray().Select(b => b.Clone())];
}
