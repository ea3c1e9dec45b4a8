using System.Globalization;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Audience.Tests;

/// <summary>
/// The waitlist as the MIS drives it (<c>waitlist.added</c>, <c>slot.freed</c>, <c>appointment.cancelled</c>) and as
/// the patients answer (<see cref="PatientReplied"/>, as the gateways publish it): who is offered a freed slot, the one
/// winner of answers at the same instant, <c>slot.claimed</c> for the MIS, the others told, expiry and the next group.
/// Each test has a clinic of its own; the offers are read from ComposeMessage as Templating gets it.
/// </summary>
[Collection(CampaignCollection.Name)]
public sealed class WaitlistTests(CampaignsApp app)
{
    private const string ReplyQueue = "audience-waitlist-reply";

    [Fact]
    public async Task A_freed_slot_goes_to_the_three_longest_waiting_then_most_valuable_and_of_three_answers_at_once_exactly_one_wins()
    {
        const string clinic = "wl-1";
        var now = app.Time.GetUtcNow();
        // Whole days waited first, then what each has paid: WL-G pays most but joined 3 days ago; WL-D waits 10 days, as
        // WL-A, WL-B and WL-C do, but has paid nothing; WL-E waits longest with no service consent; WL-F waits for another doctor.
        await app.ImportVisitsAsync(clinic, [("WL-A", 2, 30, 90, 4000m), ("WL-B", 3, 30, 90, 9000m), ("WL-C", 1, 30, 90, 1000m), ("WL-G", 4, 30, 90, 9000m)]);
        await app.ConsentAsync(clinic, ["WL-A", "WL-B", "WL-C", "WL-D", "WL-F", "WL-G"], granted: true, purpose: "service");
        await app.ConsentAsync(clinic, ["WL-E"], granted: true, purpose: "marketing");
        foreach (var (patient, daysAgo, doctor) in new[]
                 {
                     ("WL-A", 10.2, "D-1"), ("WL-B", 10.5, "D-1"), ("WL-C", 10.1, "D-1"), ("WL-D", 10.3, "D-1"), ("WL-G", 3.0, "D-1"),
                     ("WL-E", 20.0, "D-1"), ("WL-F", 30.0, "D-2"),
                 })
        {
            await MisAsync("waitlist.added", Entry(clinic, $"E-{patient}", patient, doctor, now.AddDays(-daysAgo)));
        }

        var (probe, composed, claimedQueue) = await ProbesAsync();
        var startsAt = Minute(now.AddDays(2));
        await MisAsync("slot.freed", Slot(clinic, "S-1", "D-1", startsAt));

        var offers = await ComposedAsync(probe, composed, clinic, "waitlist.offer", 3);
        Assert.Equal(["WL-A", "WL-B", "WL-C"], offers.Select(PatientOf).Order());
        Assert.All(offers, m =>
        {
            Assert.Equal(("service", "waitlist", "sms"), (m.GetProperty("purpose").GetString(), m.GetProperty("expectedReply").GetString(), m.GetProperty("channels")[0].GetString()));
            Assert.Equal(CampaignsApp.Contact(PatientOf(m), "sms"), m.GetProperty("recipient").GetProperty("phone").GetString());
            var model = m.GetProperty("model");
            var local = TimeZoneInfo.ConvertTime(startsAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow"));
            Assert.Equal((local.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture), local.ToString("HH:mm", CultureInfo.InvariantCulture), "Клиника ожидания"),
                (model.GetProperty("slot.date").GetString(), model.GetProperty("slot.time").GetString(), model.GetProperty("clinic.name").GetString()));
            Assert.Equal(now.AddMinutes(30), m.GetProperty("notAfter").GetDateTimeOffset());
        });

        // All three answer «1» at the same instant.
        var bus = app.Services.GetRequiredService<IBus>();
        var before = app.Received.Finished(ReplyQueue);
        await Task.WhenAll(offers.Select(m => bus.Publish(Reply(m, "1"))));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReplyQueue) >= before + 3), CampaignsApp.Patience, "the three answers weighed");

        var slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        var states = slot.GetProperty("offers").EnumerateArray().ToDictionary(o => o.GetProperty("patientId").GetString()!, o => o.GetProperty("state").GetString());
        Assert.Equal("claimed", slot.GetProperty("status").GetString());
        var winner = Assert.Single(states, s => s.Value == "won").Key;
        Assert.Equal(2, states.Count(s => s.Value == "taken"));
        Assert.Equal(winner, slot.GetProperty("claimedPatientId").GetString());

        var claimed = await probe.WaitForAsync(claimedQueue, e => e.GetProperty("data").GetProperty("clinicId").GetString() == clinic, CampaignsApp.Patience, "slot.claimed");
        var data = claimed.GetProperty("data");
        Assert.Equal(("slot.claimed", winner, $"E-{winner}", "S-1", "D-1", 30), (claimed.GetProperty("type").GetString(), data.GetProperty("patientId").GetString(),
            data.GetProperty("entryId").GetString(), data.GetProperty("slotId").GetString(), data.GetProperty("doctorId").GetString(), data.GetProperty("durationMinutes").GetInt32()));
        Assert.Equal(startsAt, data.GetProperty("startsAt").GetDateTimeOffset());

        var claimedText = Assert.Single(await ComposedAsync(probe, composed, clinic, "waitlist.claimed", 1));
        Assert.Equal(winner, PatientOf(claimedText));
        var taken = await ComposedAsync(probe, composed, clinic, "waitlist.taken", 2);
        Assert.Equal(states.Keys.Where(p => p != winner).Order(), taken.Select(PatientOf).Order());
        Assert.All([claimedText, .. taken], m => Assert.Equal(JsonValueKind.Null, m.GetProperty("expectedReply").ValueKind));

        // A repeat «1» of the winner changes nothing; the winner is offered nothing more, the others wait on.
        before = app.Received.Finished(ReplyQueue);
        await bus.Publish(Reply(offers.Single(m => PatientOf(m) == winner), "1"));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReplyQueue) > before), CampaignsApp.Patience, "the repeat weighed");
        await app.RunWaitlistAsync();
        slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal((winner, 1), (slot.GetProperty("claimedPatientId").GetString(), slot.GetProperty("offers").EnumerateArray().Count(o => o.GetProperty("state").GetString() == "won")));
        var entries = (await WaitlistAsync(clinic)).GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("patientId").GetString()!, e => e.GetProperty("status").GetString());
        Assert.Equal("claimed", entries[winner]);
        var channels = (await WaitlistAsync(clinic)).GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("patientId").GetString()!, e => e.GetProperty("offerChannel"));
        Assert.Equal(("sms", JsonValueKind.Null), (channels["WL-A"].GetString(), channels["WL-E"].ValueKind));
        Assert.All(entries.Where(e => e.Key != winner), e => Assert.Equal("waiting", e.Value));
        await probe.DisposeAsync();
    }

    [Fact]
    public async Task An_offer_expires_and_moves_to_the_next_group_a_late_answer_is_told_and_an_unanswered_slot_ends_unfilled()
    {
        const string clinic = "wl-2";
        var now = app.Time.GetUtcNow();
        string[] patients = ["WX-1", "WX-2", "WX-3", "WX-4"];
        await app.ConsentAsync(clinic, patients, granted: true, purpose: "service");
        for (var i = 0; i < patients.Length; i++)
        {
            await MisAsync("waitlist.added", Entry(clinic, $"E-{patients[i]}", patients[i], null, now.AddDays(-10 + i), specialty: "Терапевт"));
        }

        var (probe, composed, _) = await ProbesAsync();
        var startsAt = Minute(now.AddHours(5));
        await MisAsync("slot.freed", Slot(clinic, null, "D-7", startsAt, specialty: "терапевт"));
        var first = await ComposedAsync(probe, composed, clinic, "waitlist.offer", 3);
        Assert.Equal(["WX-1", "WX-2", "WX-3"], first.Select(PatientOf).Order());

        // Not yet expired: the runner leaves the group to answer.
        app.Time.Advance(TimeSpan.FromMinutes(29));
        await app.RunWaitlistAsync();
        Assert.Equal(1, (await WaitlistAsync(clinic)).GetProperty("slots")[0].GetProperty("rounds").GetInt32());

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.RunWaitlistAsync();
        var second = await ComposedAsync(probe, composed, clinic, "waitlist.offer", 1);
        Assert.Equal("WX-4", PatientOf(second[0]));
        var slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal((2, "open"), (slot.GetProperty("rounds").GetInt32(), slot.GetProperty("status").GetString()));
        Assert.All(slot.GetProperty("offers").EnumerateArray().Where(o => o.GetProperty("round").GetInt32() == 1), o => Assert.Equal("expired", o.GetProperty("state").GetString()));

        // A «1» to the expired offer does not take the slot from the group now asked: the patient is told.
        var bus = app.Services.GetRequiredService<IBus>();
        var before = app.Received.Finished(ReplyQueue);
        await bus.Publish(Reply(first.Single(m => PatientOf(m) == "WX-1"), "1"));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReplyQueue) > before), CampaignsApp.Patience, "the late answer weighed");
        Assert.Equal("WX-1", PatientOf(Assert.Single(await ComposedAsync(probe, composed, clinic, "waitlist.taken", 1))));
        Assert.Equal("open", (await WaitlistAsync(clinic)).GetProperty("slots")[0].GetProperty("status").GetString());

        // «2» from the only one asked: nobody is left to offer it to, and two hours before its start it ends unfilled.
        before = app.Received.Finished(ReplyQueue);
        await bus.Publish(Reply(second[0], "нет"));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReplyQueue) > before), CampaignsApp.Patience, "the decline weighed");
        slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal("declined", slot.GetProperty("offers").EnumerateArray().Single(o => o.GetProperty("patientId").GetString() == "WX-4").GetProperty("state").GetString());
        app.Time.Advance(startsAt - TimeSpan.FromHours(2) - app.Time.GetUtcNow());
        await app.RunWaitlistAsync();
        slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal(("unfilled", 2, 4), (slot.GetProperty("status").GetString(), slot.GetProperty("rounds").GetInt32(), slot.GetProperty("offers").GetArrayLength()));
        await probe.DisposeAsync();
    }

    [Fact]
    public async Task A_cancellation_frees_its_time_for_others_not_its_own_patient_and_words_that_are_no_answer_go_to_the_clinic()
    {
        const string clinic = "wl-3";
        var now = app.Time.GetUtcNow();
        await app.ConsentAsync(clinic, ["WC-1", "WC-2", "WC-3"], granted: true, purpose: "service");
        await MisAsync("waitlist.added", Entry(clinic, "E-WC-1", "WC-1", "D-9", now.AddDays(-5)));
        await MisAsync("waitlist.added", Entry(clinic, "E-WC-2", "WC-2", "D-9", now.AddDays(-4)));
        await MisAsync("waitlist.added", Entry(clinic, "E-WC-3", "WC-3", "D-9", now.AddDays(-3)));
        await MisAsync("waitlist.removed", new { entryId = "E-WC-3", clinic = new { clinicId = clinic }, reason = "записан" });
        var (probe, composed, _) = await ProbesAsync();
        var messages = await probe.BindQueueAsync("comms.events", "patient.message_received");

        // WC-1 is on the list and cancels their own booking: their time goes to WC-2 (WC-3 is off the list).
        var startsAt = Minute(now.AddDays(3));
        await MisAsync("appointment.booked", Booking(clinic, "A-1", "WC-1", "D-9", startsAt));
        await MisAsync("appointment.cancelled", new { appointmentId = "A-1", version = 2, clinic = new { clinicId = clinic }, cancelledBy = "patient" });
        var offer = Assert.Single(await ComposedAsync(probe, composed, clinic, "waitlist.offer", 1));
        Assert.Equal("WC-2", PatientOf(offer));
        var slot = (await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray().Single();
        Assert.Equal(("A-1", "D-9", startsAt), (slot.GetProperty("freedByAppointmentId").GetString(), slot.GetProperty("doctorId").GetString(), slot.GetProperty("startsAt").GetDateTimeOffset()));

        // The MIS fills a cancelled time itself when it says so.
        await MisAsync("appointment.booked", Booking(clinic, "A-2", "WC-1", "D-9", startsAt.AddHours(1)));
        await MisAsync("appointment.cancelled", new { appointmentId = "A-2", version = 2, clinic = new { clinicId = clinic }, offerSlot = false });
        Assert.Single((await WaitlistAsync(clinic)).GetProperty("slots").EnumerateArray());

        var bus = app.Services.GetRequiredService<IBus>();
        var before = app.Received.Finished(ReplyQueue);
        await bus.Publish(Reply(offer, "А можно на 11?"));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReplyQueue) > before), CampaignsApp.Patience, "the reply weighed");
        var forwarded = await probe.WaitForAsync(messages, e => e.GetProperty("data").GetProperty("clinicId").GetString() == clinic, CampaignsApp.Patience, "patient.message_received");
        Assert.Equal(("WC-2", "А можно на 11?"), (forwarded.GetProperty("data").GetProperty("patientId").GetString(), forwarded.GetProperty("data").GetProperty("text").GetString()));
        Assert.Equal("offered", (await WaitlistAsync(clinic)).GetProperty("slots")[0].GetProperty("offers")[0].GetProperty("state").GetString());
        await probe.DisposeAsync();
    }

    private async Task<(RabbitQueueProbe Probe, string Composed, string Claimed)> ProbesAsync()
    {
        var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        return (probe, await probe.BindQueueAsync(CampaignsApp.ComposeExchange, "", "fanout"), await probe.BindQueueAsync("comms.events", "slot.claimed"));
    }

    private static async Task<List<JsonElement>> ComposedAsync(RabbitQueueProbe probe, string queue, string clinic, string templateKey, int count)
    {
        var found = new List<JsonElement>();
        while (found.Count < count)
        {
            found.Add(await probe.WaitForMessageAsync(queue, m => m.GetProperty("templateKey").GetString() == templateKey
                && m.GetProperty("recipient").GetProperty("clinicId").GetString() == clinic, CampaignsApp.Patience, $"{count} × {templateKey}"));
        }

        return found;
    }

    private async Task<JsonElement> WaitlistAsync(string clinic)
    {
        using var api = app.Client();
        api.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);
        return await CampaignsApp.GetJsonAsync(api, $"/api/v1/audience/clinics/{clinic}/waitlist");
    }

    /// <summary>A slot starts on a whole minute.</summary>
    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMinute, at.Offset);

    private static string PatientOf(JsonElement composed) => composed.GetProperty("recipient").GetProperty("patientId").GetString()!;

    private PatientReplied Reply(JsonElement offer, string text) => new(
        Guid.NewGuid(), "sms", offer.GetProperty("recipient").GetProperty("phone").GetString()!, text, offer.GetProperty("messageId").GetGuid(), "waitlist",
        offer.GetProperty("recipient").GetProperty("clinicId").GetString(), PatientOf(offer), null, app.Time.GetUtcNow());

    private async Task MisAsync(string type, object data)
    {
        var before = app.Received.Finished(AudienceApp.MisQueue);
        await using var mis = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        await mis.PublishAsync("mis.events", type, JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/test", type, time = app.Time.GetUtcNow(), data,
        }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) > before), CampaignsApp.Patience, $"the {type} consumed");
    }

    private object Entry(string clinic, string entryId, string patientId, string? doctorId, DateTimeOffset addedAt, string? specialty = null) => new
    {
        entryId,
        clinic = new { clinicId = clinic, name = "Клиника ожидания", timeZone = "Europe/Moscow" },
        patient = new { patientId, firstName = "Анна", phone = CampaignsApp.Contact(patientId, "sms") },
        doctor = doctorId is null ? null : new { doctorId },
        specialty,
        period = new { from = app.Time.GetUtcNow(), to = app.Time.GetUtcNow().AddDays(30) },
        addedAt,
    };

    private static object Slot(string clinic, string? slotId, string doctorId, DateTimeOffset startsAt, string? specialty = null) => new
    {
        slotId,
        clinic = new { clinicId = clinic, name = "Клиника ожидания", timeZone = "Europe/Moscow" },
        doctor = new { doctorId, name = "Петров П. П.", specialty },
        startsAt,
        durationMinutes = 30,
    };

    private static object Booking(string clinic, string appointmentId, string patientId, string doctorId, DateTimeOffset startsAt) => new
    {
        appointmentId, version = 1, startsAt,
        clinic = new { clinicId = clinic, name = "Клиника ожидания", timeZone = "Europe/Moscow" },
        patient = new { patientId, phone = CampaignsApp.Contact(patientId, "sms") },
        doctor = new { doctorId, specialty = "Стоматолог" },
    };
}
