using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// Channel fallback through every real service: the clinic tries email first, then SMS. The patient has given consent
/// for SMS only, so Gateway.Email's consent gate blocks the email; Scheduling moves the message to SMS under a new
/// message id; the SMS is delivered, and the patient's "1" to it confirms the appointment for the MIS.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class ChannelFallbackJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Without_email_consent_the_confirmation_request_falls_back_to_sms_and_the_answer_confirms()
    {
        var clinicId = "fb-" + Guid.NewGuid().ToString("N")[..8];
        var phone = MisEvents.NewPhone();
        var email = $"patient-{Guid.NewGuid():N}@example.ru";
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        using var scheduling = new HttpClient { BaseAddress = system.Scheduling.Http.BaseAddress };
        scheduling.AsOperator();
        using (var rules = await scheduling.PutAsync($"api/v1/clinics/{clinicId}/reminder-rules", new StringContent("""
            {"sendWindow":{"start":"00:00","end":"00:00"},"minimumLeadTimeMinutes":30,
             "sends":[{"kind":"confirmation","hoursBefore":24,"templateKey":"appointment.confirmation","channels":["email","sms"],
                       "fallback":{"notDeliveredWithinMinutes":30}}]}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.True(rules.IsSuccessStatusCode, await rules.Content.ReadAsStringAsync());
        }

        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone, clinicId);
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3), clinicId: clinicId, email: email));

        var sms = await Eventually.GetAsync<JsonElement>(async () => (await system.InboxAsync(phone)).Select(m => (JsonElement?)m).FirstOrDefault(),
            Patience, () => "the confirmation request by SMS at the simulator\n" + system.Logs());
        var send = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var appointment = await scheduling.GetFromJsonAsync<JsonElement>($"api/v1/clinics/{clinicId}/appointments/{appointmentId}");
            var first = appointment.GetProperty("sends").EnumerateArray().First();
            return first.GetProperty("attempts").GetArrayLength() == 2 && first.GetProperty("deliveryStatus").GetString() == "delivered" ? first : null;
        }, Patience, () => "the send delivered on its second channel\n" + system.Logs());

        var attempts = send.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["email", "sms"], attempts.Select(a => a.GetProperty("channel").GetString()!));
        Assert.Equal("blocked", attempts[0].GetProperty("deliveryStatus").GetString());
        Assert.Equal(send.GetProperty("messageId").GetString(), attempts[0].GetProperty("messageId").GetString());
        var smsMessageId = attempts[1].GetProperty("messageId").GetString();
        Assert.NotEqual(attempts[0].GetProperty("messageId").GetString(), smsMessageId);
        Assert.True(attempts[0].TryGetProperty("notAfter", out var deadline) && deadline.ValueKind == JsonValueKind.String,
            "the email had a next channel, so it had a deadline");
        Assert.Contains("Ответьте 1 — подтвердить", sms.GetProperty("text").GetString(), StringComparison.Ordinal);

        using var reply = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "1" });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "appointment.confirmed on comms.events\n" + system.Logs());
        Assert.Equal(smsMessageId, confirmed.GetProperty("data").GetProperty("messageId").GetString());
        Assert.Single(await system.InboxAsync(phone));
    }
}
