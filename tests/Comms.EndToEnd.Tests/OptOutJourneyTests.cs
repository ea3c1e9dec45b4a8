using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>A patient replies "СТОП": every real service plays its part, and the next reminder is not sent.</summary>
[Collection(CommsSystemCollection.Name)]
public sealed class OptOutJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Stop_reply_blocks_the_next_reminder_is_recorded_in_the_ledger_and_told_to_the_mis()
    {
        var phone = MisEvents.NewPhone();
        var first = "A-" + Guid.NewGuid().ToString("N")[..8];
        var second = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var consentEvents = await mis.BindQueueAsync("comms.events", "consent.changed");
        await system.GrantSmsConsentAsync(mis, "P-" + first, phone);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + first, first, phone, DateTimeOffset.UtcNow.AddHours(3)));
        await Eventually.TrueAsync(async () => (await system.InboxAsync(phone)).Length == 1, Patience, () => "the first SMS\n" + system.Logs());

        using (var stop = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "СТОП" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        // At the gateway at once, before any event travelled.
        Assert.All(await system.GatewayConsentsAsync(phone), s => Assert.False(s.GetProperty("granted").GetBoolean()));

        // In the ledger, with its evidence.
        var ledger = await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/consents?contact={Uri.EscapeDataString(phone)}");
            request.Headers.Add("X-Api-Key", "dev-consent-admin-key");
            using var response = await system.Consent.Http.SendAsync(request);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("current").EnumerateArray().Any(c =>
                c.GetProperty("purpose").GetString() == "service" && !c.GetProperty("granted").GetBoolean()) ? body : null;
        }, Patience, () => "the opt-out in the Consent ledger\n" + system.Logs());
        var revoked = ledger.GetProperty("current").EnumerateArray().Single(c => c.GetProperty("purpose").GetString() == "service");
        Assert.Equal("reply", revoked.GetProperty("method").GetString());

        // To the MIS.
        var changed = await Eventually.GetAsync<JsonElement>(async () =>
        {
            while (await mis.GetAsync(consentEvents) is { } received)
            {
                var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
                if (!data.GetProperty("granted").GetBoolean() && data.GetProperty("purpose").GetString() == "service")
                {
                    return data;
                }
            }

            return null;
        }, Patience, "consent.changed (revoked) on comms.events");
        Assert.Equal("sms", changed.GetProperty("channel").GetString());

        // The next reminder meets the gate.
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + second, second, phone, DateTimeOffset.UtcNow.AddHours(3)));
        var lastSeen = "";
        var appointment = await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await system.Scheduling.Http.GetAsync($"api/v1/clinics/{CommsSystem.ClinicId}/appointments/{second}");
            lastSeen = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            var body = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            return body.ValueKind == JsonValueKind.Object && body.GetProperty("sends").EnumerateArray()
                .Any(s => s.GetProperty("deliveryStatus").GetString() == "blocked") ? body : null;
        }, Patience, () => $"the second appointment's reminder blocked; its timeline: {lastSeen}\n" + system.Logs());
        var blocked = appointment.GetProperty("sends").EnumerateArray().Single(s => s.GetProperty("deliveryStatus").GetString() == "blocked");
        Assert.StartsWith("the patient opted out of sms/service", blocked.GetProperty("deliveryReason").GetString(), StringComparison.Ordinal);
        Assert.Single(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task After_a_stop_a_new_signed_form_reopens_sms_once_the_ledger_accepted_it_over_the_stop()
    {
        var phone = MisEvents.NewPhone();
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        await system.GrantSmsConsentAsync(mis, "P-" + Guid.NewGuid().ToString("N")[..8], phone);
        using (var stop = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "СТОП" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await LedgerAsync(phone)).GetProperty("current").EnumerateArray().Any(c =>
                c.GetProperty("purpose").GetString() == "service" && c.GetProperty("method").GetString() == "reply"),
            Patience, () => "the opt-out in the Consent ledger\n" + system.Logs());

        // The patient signs a new form at the reception: the ledger accepts it over the «СТОП», and says so to the gateway.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/consents"))
        {
            request.Headers.Add("X-Api-Key", "dev-consent-admin-key");
            request.Content = JsonContent.Create(new
            {
                clinicId = CommsSystem.ClinicId, phone, channel = "sms", purpose = "service", granted = true, method = "paper_form",
                documentRef = "Согласие на SMS, бланк № " + Guid.NewGuid().ToString("N")[..6], capturedAt = DateTimeOffset.UtcNow,
            });
            using var response = await system.Consent.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("record").GetProperty("effective").GetBoolean());
        }

        await Eventually.TrueAsync(async () => (await system.GatewayConsentsAsync(phone))
                .Any(s => s.GetProperty("purpose").GetString() == "service" && s.GetProperty("granted").GetBoolean()),
            Patience, () => "Gateway.Sms reopened for the new form\n" + system.Logs());
    }

    private async Task<JsonElement> LedgerAsync(string phone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/consents?contact={Uri.EscapeDataString(phone)}");
        request.Headers.Add("X-Api-Key", "dev-consent-admin-key");
        using var response = await system.Consent.Http.SendAsync(request);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
