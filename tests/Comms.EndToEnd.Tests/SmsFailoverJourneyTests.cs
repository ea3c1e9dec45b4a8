using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The whole chain when the clinic's first SMS provider is down for this patient's number: the confirmation request
/// goes through the second account (SMSC.ru), its receipt comes back in SMSC.ru's signed format, and the patient's "1"
/// — sent to SMSC.ru's two-way number — confirms the appointment for the MIS.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class SmsFailoverJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_smsru_down_the_reminder_goes_through_smsc_is_delivered_and_the_reply_confirms_the_appointment()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        using (var fault = await system.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "smsru", to = phone, outcome = "unavailable" }))
        {
            Assert.Equal(HttpStatusCode.Created, fault.StatusCode);
        }

        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3)));

        var sms = await Eventually.GetAsync<JsonElement>(async () => (await system.InboxAsync(phone)).Select(m => (JsonElement?)m).FirstOrDefault(),
            Patience, () => "the confirmation request at the simulator\n" + system.Logs());
        Assert.Equal("smsc", sms.GetProperty("provider").GetString());

        var messageId = await Eventually.GetAsync<string>(async () =>
        {
            using var r = await system.Scheduling.Http.GetAsync($"api/v1/clinics/{CommsSystem.ClinicId}/appointments/{appointmentId}");
            if (!r.IsSuccessStatusCode)
            {
                return null;
            }

            var appointment = await r.Content.ReadFromJsonAsync<JsonElement>();
            return appointment.GetProperty("sends").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "dispatched")
                .Select(s => s.GetProperty("messageId").GetString()).FirstOrDefault();
        }, Patience, () => "the dispatched send\n" + system.Logs());
        var message = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var m = await system.GatewaySms.Http.GetFromJsonAsync<JsonElement>($"api/v1/messages/{messageId}");
            return m.GetProperty("status").GetString() == "delivered" ? m : null;
        }, Patience, () => "delivered through SMSC.ru\n" + system.Logs());
        Assert.Equal("smsc", message.GetProperty("provider").GetString());
        var attempts = await system.GatewaySms.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/sms/messages/{messageId}/attempts");
        Assert.Equal(["smsru", "smsc"], attempts!.Select(a => a.GetProperty("account").GetString()));

        using var reply = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "1" });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        Assert.Equal("smsc", (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("provider").GetString());

        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "appointment.confirmed on comms.events\n" + system.Logs());
        Assert.Equal(messageId, confirmed.GetProperty("data").GetProperty("messageId").GetString());
        Assert.Single(await system.InboxAsync(phone));
    }
}
