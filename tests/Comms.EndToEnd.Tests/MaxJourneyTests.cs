using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// MAX through every real service: the clinic hands the patient a personal link; the patient opens it in MAX (the
/// simulator posts bot_started to Gateway.Max); the link becomes a consent in the ledger and reaches the gateway's gate;
/// the clinic's rules prefer MAX, then SMS; the confirmation request goes by MAX with buttons, and the patient's tap on
/// "Подтверждаю" confirms the appointment for the MIS. No SMS is sent.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class MaxJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_patient_who_linked_max_gets_the_confirmation_request_there_and_a_tap_confirms()
    {
        var clinicId = "max-" + Guid.NewGuid().ToString("N")[..8];
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        var userId = Random.Shared.NextInt64(100_000_000, 999_999_999);
        using var scheduling = new HttpClient { BaseAddress = system.Scheduling.Http.BaseAddress };
        scheduling.AsOperator();
        using (var rules = await scheduling.PutAsync($"api/v1/clinics/{clinicId}/reminder-rules", new StringContent("""
            {"sendWindow":{"start":"00:00","end":"00:00"},"minimumLeadTimeMinutes":30,
             "sends":[{"kind":"confirmation","hoursBefore":24,"templateKey":"appointment.confirmation","channels":["max","sms"],
                       "fallback":{"notDeliveredWithinMinutes":30}}]}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rules.IsSuccessStatusCode, await rules.Content.ReadAsStringAsync());
        }

        var patientId = "P-" + appointmentId; // as MisEvents.Booked names the patient
        using var issued = await system.GatewayMax.Http.PostAsJsonAsync("api/v1/max/links", new { clinicId, patientId });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var link = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
        using (var opened = await system.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/start",
                   new { payload = link[(link.IndexOf("?start=", StringComparison.Ordinal) + 7)..] }))
        {
            Assert.Equal(HttpStatusCode.Accepted, opened.StatusCode);
        }

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(async () =>
                (await system.GatewayMax.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={contact}"))!
                .Any(s => s.GetProperty("channel").GetString() == "max" && s.GetProperty("granted").GetBoolean()),
            Patience, () => "the link's consent at Gateway.Max's gate\n" + system.Logs());

        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3), clinicId: clinicId));

        var request = await Eventually.GetAsync<JsonElement>(async () =>
                (await system.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/max/messages?userId={userId}"))!
                .Select(m => (JsonElement?)m).FirstOrDefault(m => m!.Value.GetProperty("buttons").EnumerateObject().Any()),
            Patience, () => "the confirmation request in MAX\n" + system.Logs());
        Assert.Equal("Подтверждаю", request.GetProperty("buttons").GetProperty("1").GetString());

        using (var tap = await system.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/taps", new { payload = "1" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, tap.StatusCode);
        }

        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "appointment.confirmed on comms.events\n" + system.Logs());
        Assert.Equal("appointment.confirmed", confirmed.GetProperty("type").GetString());
        Assert.Empty(await system.InboxAsync(phone));
    }
}
