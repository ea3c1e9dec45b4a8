using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Audience.Features.Campaigns;
using Comms.Audience.Persistence;
using Comms.Contracts.Delivery;
using MassTransit;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Audience.Tests;

/// <summary>
/// Campaigns through their API, as the pages drive them: the second person's approval, the consent each message goes
/// under, the holdout, the frequency cap across campaigns, an opt-out, pause and stop, the bookings attributed.
/// Each test has a clinic of its own; the clock is the app's, moved by the tests that need time to pass.
/// </summary>
[Collection(CampaignCollection.Name)]
public sealed class CampaignTests(CampaignsApp app)
{
    [Fact]
    public async Task A_marketer_makes_it_and_only_another_person_with_the_approver_role_launches_it()
    {
        const string clinic = "cmp-1";
        await app.ImportPatientsAsync(clinic, ["AP-1", "AP-2"]);
        await app.ConsentAsync(clinic, ["AP-1", "AP-2"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        using var both = await app.SignInAsync(CampaignsApp.MarketerApprover);
        using var manager = await app.SignInAsync(CampaignsApp.Manager);

        var id = await CampaignsApp.CreateAsync(marketer, app.Definition(clinic, "Осенняя гигиена"));
        var own = await CampaignsApp.CreateAsync(both, app.Definition(clinic, "Своя рассылка"));
        using var byMarketer = await marketer.PostAsync($"/api/v1/campaigns/{id}/launch", null);
        using var byManager = await manager.PostAsync($"/api/v1/campaigns/{id}/launch", null);
        using var byItsAuthor = await both.PostAsync($"/api/v1/campaigns/{own}/launch", null);
        using var createdByApprover = await approver.PostAsJsonAsync("/api/v1/campaigns", app.Definition(clinic, "Без маркетолога"));

        Assert.Equal(HttpStatusCode.Forbidden, byMarketer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byManager.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byItsAuthor.StatusCode);
        Assert.Equal("Свою рассылку не утвердить", (await byItsAuthor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, createdByApprover.StatusCode);
        Assert.Equal("draft", (await CampaignsApp.GetJsonAsync(marketer, $"/api/v1/campaigns/{id}")).GetProperty("status").GetString());

        var launched = await CampaignsApp.LaunchAsync(approver, id);
        using var again = await approver.PostAsync($"/api/v1/campaigns/{id}/launch", null);
        await CampaignsApp.LaunchAsync(approver, own);

        Assert.Equal("running", launched.GetProperty("status").GetString());
        Assert.Equal(CampaignsApp.Approver, launched.GetProperty("approvedBy").GetString());
        Assert.Equal(
            [("mila", "created"), ("ivan", "approved"), ("ivan", "launched")],
            launched.GetProperty("audit").EnumerateArray().Select(a => (a.GetProperty("actor").GetString(), a.GetProperty("action").GetString())));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var edit = await marketer.PutAsJsonAsync($"/api/v1/campaigns/{id}", app.Definition(clinic, "Поздно менять"));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
    }

    [Fact]
    public async Task A_bad_definition_is_refused_with_each_field_and_its_reason_and_nobody_unsigned_gets_in()
    {
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        var definition = app.Definition("cmp-2", "");
        definition["templateKey"] = null;
        definition["channels"] = new[] { "sms", "telegram" };
        definition["endAt"] = "2020-01-01T00:00:00+03:00";
        definition["startAt"] = "завтра";
        definition["holdoutPercent"] = 80;

        using var response = await marketer.PostAsJsonAsync("/api/v1/campaigns", definition);
        using var notJson = await marketer.PostAsync("/api/v1/campaigns", new StringContent("{\"name\": 5}", Encoding.UTF8, "application/json"));
        using var unknown = await marketer.PostAsync("/api/v1/campaigns", new StringContent("{\"nmae\": \"x\"}", Encoding.UTF8, "application/json"));
        using var nobody = await app.Client().GetAsync("/api/v1/campaigns");
        using var foreign = await (await app.SignInAsync("mila.cmp1")).PostAsJsonAsync("/api/v1/campaigns", app.Definition("cmp-2", "Чужая клиника"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["channels", "holdoutPercent", "name", "startAt", "templateKey"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("telegram", errors.GetProperty("channels")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.True((await notJson.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal("application/problem+json", nobody.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task Only_patients_with_marketing_consent_get_it_under_their_record_the_holdout_gets_nothing_and_the_preview_says_why()
    {
        const string clinic = "cmp-3";
        var consented = Enumerable.Range(1, 40).Select(i => $"CO-{i:00}").ToList();
        var withdrawn = Enumerable.Range(1, 5).Select(i => $"WD-{i}").ToList();
        var never = Enumerable.Range(1, 5).Select(i => $"NC-{i}").ToList();
        await app.ImportPatientsAsync(clinic, [.. consented, .. withdrawn, .. never]);
        var sequences = await app.ConsentAsync(clinic, consented, granted: true);
        await app.ConsentAsync(clinic, withdrawn, granted: true);
        await app.ConsentAsync(clinic, withdrawn, granted: false);
        var composed = await ComposedQueueAsync();
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var id = await CampaignsApp.CreateAsync(marketer, app.Definition(clinic, "Приглашение на осмотр", holdoutPercent: 50));

        using var previewResponse = await marketer.PostAsync($"/api/v1/campaigns/{id}/preview", null);
        var preview = await previewResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, previewResponse.StatusCode);
        Assert.Equal(50, preview.GetProperty("audience").GetInt32());
        Assert.Equal(40, preview.GetProperty("consentByChannel").GetProperty("sms").GetInt32());
        Assert.Equal(
            [("no_consent", 5), ("opted_out", 5)],
            preview.GetProperty("excluded").EnumerateArray().Select(e => (e.GetProperty("reason").GetString(), e.GetProperty("count").GetInt32())));
        var holdout = preview.GetProperty("holdout").GetInt32();
        Assert.InRange(holdout, 1, 39);
        Assert.Equal(40 - holdout, preview.GetProperty("recipients").GetInt32());

        await CampaignsApp.LaunchAsync(approver, id);
        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));

        var recipients = await CampaignsApp.RecipientsAsync(marketer, id);
        var sent = recipients.Values.Where(r => r.GetProperty("state").GetString() == "sent").ToList();
        Assert.Equal(40 - holdout, sent.Count);
        Assert.Equal(holdout, recipients.Values.Count(r => r.GetProperty("state").GetString() == "held_out"));
        Assert.All(withdrawn, p => Assert.Equal(("excluded", "opted_out"), (recipients[p].GetProperty("state").GetString(), recipients[p].GetProperty("reason").GetString())));
        Assert.All(never, p => Assert.Equal("no_consent", recipients[p].GetProperty("reason").GetString()));
        var sequenceOf = consented.Zip(sequences).ToDictionary(x => x.First, x => x.Second);
        Assert.All(sent, r => Assert.Equal(sequenceOf[r.GetProperty("patientId").GetString()!], r.GetProperty("consentSequence").GetInt64()));

        var messages = new List<JsonElement>();
        while (messages.Count < sent.Count)
        {
            messages.Add(await composed.Probe.WaitForMessageAsync(composed.Queue, m => m.GetProperty("templateKey").GetString() == "campaign.offer"
                && m.GetProperty("recipient").GetProperty("clinicId").GetString() == clinic, CampaignsApp.Patience, "the campaign's messages"));
        }

        var sentIds = sent.Select(r => r.GetProperty("messageId").GetGuid()).ToHashSet();
        Assert.All(messages, m =>
        {
            Assert.Contains(m.GetProperty("messageId").GetGuid(), sentIds);
            Assert.Equal("marketing", m.GetProperty("purpose").GetString());
            Assert.Equal(["sms"], m.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
            var patient = m.GetProperty("recipient").GetProperty("patientId").GetString()!;
            Assert.StartsWith("CO-", patient, StringComparison.Ordinal);
            Assert.Equal(CampaignsApp.Contact(patient, "sms"), m.GetProperty("recipient").GetProperty("phone").GetString());
        });
        Assert.Equal(sent.Count, messages.Select(m => m.GetProperty("messageId").GetGuid()).Distinct().Count());
        await composed.Probe.DisposeAsync();
    }

    [Fact]
    public async Task The_frequency_cap_holds_across_two_campaigns_launched_together_and_the_timeline_says_why()
    {
        const string clinic = "cmp-4";
        await app.ImportPatientsAsync(clinic, ["FC-1", "FC-2"]);
        await app.ConsentAsync(clinic, ["FC-1", "FC-2"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var first = await CampaignsApp.CreateAsync(marketer, app.Definition(clinic, "Первая"));
        var second = await CampaignsApp.CreateAsync(marketer, app.Definition(clinic, "Вторая"));
        await CampaignsApp.LaunchAsync(approver, first);
        await CampaignsApp.LaunchAsync(approver, second);

        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));

        foreach (var patient in new[] { "FC-1", "FC-2" })
        {
            var timeline = (await CampaignsApp.GetJsonAsync(marketer, $"/api/v1/campaigns/patients/{clinic}/{patient}")).EnumerateArray()
                .Select(c => c.GetProperty("recipient")).ToList();
            Assert.Equal(2, timeline.Count);
            Assert.Single(timeline, r => r.GetProperty("state").GetString() == "sent");
            var capped = Assert.Single(timeline, r => r.GetProperty("state").GetString() == "cancelled");
            Assert.Equal("frequency_cap", capped.GetProperty("reason").GetString());
            Assert.Equal("предел частоты рекламных сообщений", capped.GetProperty("reasonText").GetString());
        }

        // A third, a day later: the preview already leaves them out.
        app.Time.Advance(TimeSpan.FromDays(1));
        using var marketerNow = await app.SignInAsync(CampaignsApp.Marketer);
        var third = await CampaignsApp.CreateAsync(marketerNow, app.Definition(clinic, "Третья"));
        using var preview = await marketerNow.PostAsync($"/api/v1/campaigns/{third}/preview", null);
        var excluded = Assert.Single((await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("excluded").EnumerateArray());
        Assert.Equal(("frequency_cap", 2), (excluded.GetProperty("reason").GetString(), excluded.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task An_opt_out_mid_campaign_stops_that_patients_message_and_pause_and_stop_hold_the_rest()
    {
        const string clinic = "cmp-5";
        string[] patients = ["OO-1", "OO-2", "OO-3", "OO-4"];
        await app.ImportPatientsAsync(clinic, patients);
        await app.ConsentAsync(clinic, patients, granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var id = await CampaignsApp.CreateAsync(marketer, app.Definition(clinic, "По одному в час", throttlePerHour: 1));
        await CampaignsApp.LaunchAsync(approver, id);

        await app.DispatchAsync();
        var states = await StatesAsync(marketer, id);
        Assert.Equal(1, states.Count(s => s.Value == "sent"));
        var planned = states.Where(s => s.Value == "planned").Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, planned.Count);

        await app.ConsentAsync(clinic, [planned[0]], granted: false);
        var afterOptOut = await CampaignsApp.RecipientsAsync(marketer, id);
        Assert.Equal(("cancelled", "opted_out"), (afterOptOut[planned[0]].GetProperty("state").GetString(), afterOptOut[planned[0]].GetProperty("reason").GetString()));

        using var pause = await approver.PostAsync($"/api/v1/campaigns/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, pause.StatusCode);
        app.Time.Advance(TimeSpan.FromHours(5));
        using var marketerNow = await app.SignInAsync(CampaignsApp.Marketer);
        using var approverNow = await app.SignInAsync(CampaignsApp.Approver);
        await app.DispatchAsync();
        Assert.Equal(1, (await StatesAsync(marketerNow, id)).Count(s => s.Value == "sent"));

        using var resumeByMarketer = await marketerNow.PostAsync($"/api/v1/campaigns/{id}/resume", null);
        using var resume = await approverNow.PostAsync($"/api/v1/campaigns/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Forbidden, resumeByMarketer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resume.StatusCode);
        await app.DispatchAsync();
        var resumed = await StatesAsync(marketerNow, id);
        Assert.Equal(3, resumed.Count(s => s.Value == "sent"));
        Assert.Equal("cancelled", resumed[planned[0]]);

        using var stop = await marketerNow.PostAsync($"/api/v1/campaigns/{id}/stop", null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var stopped = await stop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        Assert.Equal(
            ["created", "approved", "launched", "paused", "resumed", "stopped"],
            stopped.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_booking_within_the_attribution_days_is_attributed_with_its_payment_and_one_after_is_not_and_what_did_not_get_through_is_counted()
    {
        const string clinic = "cmp-6";
        await app.ImportPatientsAsync(clinic, ["AT-1", "AT-2"]);
        await app.ConsentAsync(clinic, ["AT-1", "AT-2"], granted: true);
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var definition = app.Definition(clinic, "Запишитесь на чистку");
        definition["attributionDays"] = 14;
        var id = await CampaignsApp.CreateAsync(marketer, definition);
        await CampaignsApp.LaunchAsync(approver, id);
        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));

        await using var mis = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        app.Time.Advance(TimeSpan.FromDays(3));
        await MisAsync(mis, "appointment.booked", Booking("AT-A-1", "AT-1", 1));
        await MisAsync(mis, "appointment.completed", Closing("AT-A-1", 2, 5000));
        app.Time.Advance(TimeSpan.FromDays(17));
        await MisAsync(mis, "appointment.booked", Booking("AT-A-2", "AT-2", 1));
        await MisAsync(mis, "appointment.completed", Closing("AT-A-2", 2, 7000));

        // The gateway delivered one and its consent gate blocked the other.
        using var reader = await app.SignInAsync(CampaignsApp.Manager);
        var sent = await CampaignsApp.RecipientsAsync(reader, id);
        var bus = app.Services.GetRequiredService<IBus>();
        foreach (var (patient, status) in new[] { ("AT-1", "delivered"), ("AT-2", "blocked") })
        {
            await bus.Publish(new MessageStatusChanged(sent[patient].GetProperty("messageId").GetGuid(), "cmp-6", patient, null, "sms", status,
                status == "blocked" ? "no consent" : null, "smsru", app.Time.GetUtcNow()));
        }

        await Eventually.TrueAsync(async () =>
        {
            var a = (await CampaignsApp.GetJsonAsync(reader, $"/api/v1/campaigns/{id}/results")).GetProperty("groups")[0];
            return a.GetProperty("delivered").GetInt32() == 1 && a.GetProperty("notDelivered").GetInt32() == 1;
        }, CampaignsApp.Patience, "the delivery and the block counted");
        var results = await CampaignsApp.GetJsonAsync(reader, $"/api/v1/campaigns/{id}/results");
        var a = Assert.Single(results.GetProperty("groups").EnumerateArray());
        Assert.Equal(("a", 2, 2, 1, 1), (a.GetProperty("group").GetString(), a.GetProperty("patients").GetInt32(), a.GetProperty("sent").GetInt32(),
            a.GetProperty("bookings").GetInt32(), a.GetProperty("bookedPatients").GetInt32()));
        Assert.Equal(5000m, a.GetProperty("revenue").GetDecimal());
        Assert.Equal(JsonValueKind.Null, results.GetProperty("lift").ValueKind);

        using var csv = await reader.GetAsync($"/api/v1/campaigns/{id}/results.csv");
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains("Вариант А;2;2;1;1;0;0;1;1;50;5000", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_the_clinics_send_window_the_message_waits_for_its_opening_and_goes_then()
    {
        const string clinic = "cmp-8";
        await app.ImportPatientsAsync(clinic, ["SW-1"]);
        await app.ConsentAsync(clinic, ["SW-1"], granted: true);
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"); // the clinic's MIS told no zone: the default
        var local = TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), moscow);
        var from = local.Hour <= 20 ? new TimeOnly(local.Hour + 2, 0) : new TimeOnly(1, 0);
        var openingDay = DateOnly.FromDateTime(local.DateTime).AddDays(local.Hour <= 20 ? 0 : 1);
        var opening = new DateTimeOffset(openingDay.ToDateTime(from), moscow.GetUtcOffset(openingDay.ToDateTime(from)));
        using var marketer = await app.SignInAsync(CampaignsApp.Marketer);
        using var approver = await app.SignInAsync(CampaignsApp.Approver);
        var definition = app.Definition(clinic, "Только в окно");
        definition["windowFrom"] = from.ToString("HH:mm", CultureInfo.InvariantCulture);
        definition["windowTo"] = from.AddHours(1).ToString("HH:mm", CultureInfo.InvariantCulture);
        var id = await CampaignsApp.CreateAsync(marketer, definition);
        await CampaignsApp.LaunchAsync(approver, id);

        await app.DispatchAsync(after: TimeSpan.FromMinutes(1));
        var waiting = (await CampaignsApp.RecipientsAsync(marketer, id))["SW-1"];
        Assert.Equal("planned", waiting.GetProperty("state").GetString());
        Assert.Equal(opening, waiting.GetProperty("dueAt").GetDateTimeOffset());

        app.Time.Advance(opening - app.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        await app.DispatchAsync();
        using var marketerNow = await app.SignInAsync(CampaignsApp.Marketer);
        var sent = (await CampaignsApp.RecipientsAsync(marketerNow, id))["SW-1"];
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        Assert.InRange(sent.GetProperty("sentAt").GetDateTimeOffset(), opening, opening.AddHours(1));
    }

    [Fact]
    public void The_lift_is_the_difference_of_the_booking_rates_with_its_95_percent_interval()
    {
        var lift = Lift.Of(30, 100, 10, 100);

        Assert.Equal(0.2, lift.Difference, 10);
        Assert.Equal(0.2 - 1.96 * Math.Sqrt(0.003), lift.Low, 10);
        Assert.Equal(0.2 + 1.96 * Math.Sqrt(0.003), lift.High, 10);
        Assert.Equal(2.0, lift.Relative!.Value, 10);
    }

    private static async Task<Dictionary<string, string>> StatesAsync(HttpClient client, Guid id) =>
        (await CampaignsApp.RecipientsAsync(client, id)).ToDictionary(r => r.Key, r => r.Value.GetProperty("state").GetString()!);

    private async Task<(RabbitQueueProbe Probe, string Queue)> ComposedQueueAsync()
    {
        var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        return (probe, await probe.BindQueueAsync(CampaignsApp.ComposeExchange, "", "fanout"));
    }

    private async Task MisAsync(RabbitQueueProbe mis, string type, object data)
    {
        var before = app.Received.Finished(AudienceApp.MisQueue);
        await mis.PublishAsync("mis.events", type, JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/test", type, time = app.Time.GetUtcNow(), data,
        }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) > before), CampaignsApp.Patience, $"the {type} consumed");
    }

    private object Booking(string appointmentId, string patientId, int version) => new
    {
        appointmentId, version, startsAt = app.Time.GetUtcNow().AddDays(2),
        clinic = new { clinicId = "cmp-6", name = "Клиника", timeZone = "Europe/Moscow" },
        patient = new { patientId, firstName = "Анна", phone = CampaignsApp.Contact(patientId, "sms") },
    };

    private static object Closing(string appointmentId, int version, decimal amountPaid) => new
    {
        appointmentId, version, clinic = new { clinicId = "cmp-6" }, amountPaid,
    };
}

[CollectionDefinition(Name)]
public sealed class CampaignCollection : ICollectionFixture<CampaignsApp>
{
    public const string Name = "campaigns";
}
