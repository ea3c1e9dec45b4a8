using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Comms.EndToEnd.Tests;

/// <summary>
/// A reminder's whole journey with every real part: MIS event → Scheduling → Templating → consent gate →
/// SMS.ru (the simulator) → the patient's phone → delivery receipt → status.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class ReminderJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_service_is_ready_and_describes_its_api()
    {
        foreach (var service in system.Services)
        {
            using var ready = await service.Http.GetAsync("health/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{service.Name} /health/ready: {(int)ready.StatusCode}");
            using var live = await service.Http.GetAsync("health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            var openApi = await service.Http.GetFromJsonAsync<JsonElement>("openapi/v1.json");
            Assert.Equal(JsonValueKind.Object, openApi.GetProperty("paths").ValueKind);
        }
    }

    [Fact]
    public async Task Booked_appointment_with_consent_reaches_the_patient_and_is_delivered()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var statuses = await mis.BindQueueAsync("comms.events", "message.status_changed");

        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3)));

        var sms = await Eventually.GetAsync<JsonElement>(async () => (await system.InboxAsync(phone)).FirstOrDefault() is { ValueKind: JsonValueKind.Object } m ? (JsonElement?)m : null,
            Patience, () => "the SMS at the patient's phone\n" + system.Logs());
        var text = sms.GetProperty("text").GetString()!;
        Assert.Contains("Анна", text, StringComparison.Ordinal);
        Assert.Equal("smsru", sms.GetProperty("provider").GetString());
        Assert.Equal(phone.Replace(" ", "", StringComparison.Ordinal), sms.GetProperty("to").GetString());

        var send = await DispatchedSendAsync(appointmentId);
        var messageId = send.GetProperty("messageId").GetString()!;
        var message = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var m = await system.GatewaySms.Http.GetFromJsonAsync<JsonElement>($"api/v1/messages/{messageId}");
            return m.GetProperty("status").GetString() == "delivered" ? (JsonElement?)m : null;
        }, Patience, () => "status delivered at Gateway.Sms\n" + system.Logs());
        var history = message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()).ToList();
        Assert.Equal(["queued", "accepted", "delivered"], history);

        // Scheduling learns the outcome too: one appointment page tells the whole story.
        await Eventually.TrueAsync(async () => (await DispatchedSendAsync(appointmentId)).GetProperty("deliveryStatus").GetString() == "delivered",
            Patience, "delivery status at Scheduling");
        Assert.Single(await system.InboxAsync(phone));

        // …and so does the MIS, as plain CloudEvents on comms.events.
        var seen = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            while (await mis.GetAsync(statuses) is { } received)
            {
                var cloudEvent = JsonDocument.Parse(received.Body).RootElement;
                Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
                Assert.Equal("comms/gateway-sms", cloudEvent.GetProperty("source").GetString());
                var data = cloudEvent.GetProperty("data");
                if (data.GetProperty("messageId").GetString() == messageId)
                {
                    Assert.Equal(appointmentId, data.GetProperty("appointmentId").GetString());
                    seen.Add(data.GetProperty("status").GetString()!);
                }
            }

            return seen.Contains("delivered");
        }, Patience, "message.status_changed events on comms.events");
        // Taken by the provider at its first call: the MIS hears accepted and delivered; queued stays in the history.
        Assert.Equal(["accepted", "delivered"], seen);
    }

    [Fact]
    public async Task Booking_without_consent_is_blocked_and_nothing_reaches_the_phone()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await PostEventAsync(MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var messageId = (await DispatchedSendAsync(appointmentId)).GetProperty("messageId").GetString()!;
        var message = await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var r = await system.GatewaySms.Http.GetAsync($"api/v1/messages/{messageId}");
            return r.IsSuccessStatusCode ? (JsonElement?)await r.Content.ReadFromJsonAsync<JsonElement>() : null;
        }, Patience, () => "the message at Gateway.Sms\n" + system.Logs());
        Assert.Equal("blocked", message.GetProperty("status").GetString());
        Assert.Contains("no consent", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
        var requests = await system.Simulator.Http.GetStringAsync("sim/requests");
        Assert.DoesNotContain(phone.TrimStart('+'), requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_produces_one_sms()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);

        var booked = MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3));
        await mis.PublishAsync("mis.events", "appointment.booked", booked);
        await mis.PublishAsync("mis.events", "appointment.booked", booked);
        using (var again = await PostEventAsync(booked))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        var messageId = (await DispatchedSendAsync(appointmentId)).GetProperty("messageId").GetString()!;
        await Eventually.TrueAsync(async () =>
            (await system.GatewaySms.Http.GetFromJsonAsync<JsonElement>($"api/v1/messages/{messageId}")).GetProperty("status").GetString() == "delivered",
            Patience, () => "delivery\n" + system.Logs());
        await WaitForQueueDrainedAsync("scheduling-mis-events");

        Assert.Single(await system.InboxAsync(phone));
        var appointment = await system.Scheduling.Http.GetFromJsonAsync<JsonElement>($"api/v1/clinics/{CommsSystem.ClinicId}/appointments/{appointmentId}");
        Assert.Single(appointment.GetProperty("sends").EnumerateArray(), s => s.GetProperty("status").GetString() == "dispatched");
    }

    [Fact]
    public async Task Patient_reply_confirms_the_appointment_for_the_mis()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var replies = await mis.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        var confirmations = await mis.BindQueueAsync("comms.events", "appointment.confirmed");
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddHours(3)));
        var messageId = (await DispatchedSendAsync(appointmentId)).GetProperty("messageId").GetString()!;
        await Eventually.TrueAsync(async () => (await system.InboxAsync(phone)).Length == 1, Patience, "the confirmation request");

        using var reply = await system.Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text = "1" });
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);

        var body = await mis.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == phone, Patience, () => "PatientReplied\n" + system.Logs());
        Assert.Equal("1", body.GetProperty("text").GetString());
        Assert.Equal(messageId, body.GetProperty("inReplyToMessageId").GetString());
        Assert.Equal("confirmation", body.GetProperty("expectedReply").GetString());
        Assert.Equal(appointmentId, body.GetProperty("appointmentId").GetString());

        // The MIS hears that the patient confirmed.
        var confirmed = await mis.WaitForAsync(confirmations, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == appointmentId,
            Patience, () => "appointment.confirmed on comms.events\n" + system.Logs());
        Assert.Equal(messageId, confirmed.GetProperty("data").GetProperty("messageId").GetString());
        Assert.Equal("confirmed", (await AppointmentAsync(appointmentId)).GetProperty("confirmation").GetString());
    }

    [Fact]
    public async Task Http_ingress_refuses_missing_keys_foreign_clinics_and_malformed_events_with_problem_details()
    {
        var booked = MisEvents.Booked("b-x", "A-x", MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddDays(2));

        using var anonymous = new HttpClient { BaseAddress = system.Scheduling.Http.BaseAddress };
        using var noKey = await anonymous.PostAsync("api/v1/mis/events", new StringContent(booked, Encoding.UTF8, "application/cloudevents+json"));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);

        using var wrongKey = await PostEventAsync(booked, apiKey: "not-a-real-key-123");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);

        using var foreign = await PostEventAsync(booked.Replace("\"clinicId\":\"msk-1\"", "\"clinicId\":\"spb-2\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        var withoutOffset = System.Text.Json.Nodes.JsonNode.Parse(booked)!;
        withoutOffset["data"]!["startsAt"] = "2026-11-25T10:30:00";
        using var malformed = await PostEventAsync(withoutOffset.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var problem = await malformed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("data.startsAt", out _), problem.ToString());

        using var wrongType = await system.Scheduling.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/mis/events")
        {
            Content = new StringContent(booked, Encoding.UTF8, "text/plain"),
            Headers = { { "X-Api-Key", CommsSystem.ApiKey } },
        });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }

    [Fact]
    public async Task Invalid_amqp_event_is_dead_lettered_with_its_reason_and_does_not_block_the_queue()
    {
        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var bad = MisEvents.Booked("bad-" + appointmentId, "bad-" + appointmentId, phone, DateTimeOffset.UtcNow.AddDays(1))
            .Replace("\"timeZone\":\"Europe/Moscow\"", "\"timeZone\":\"Mars/Olympus\"", StringComparison.Ordinal);

        await mis.PublishAsync("mis.events", "appointment.booked", bad);
        await mis.PublishAsync("mis.events", "appointment.booked", MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddDays(1)));

        ReceivedMessage? dead = null;
        await Eventually.TrueAsync(async () =>
        {
            while (await mis.GetAsync("scheduling-mis-events_error") is { } received)
            {
                if (received.Body.Contains("bad-" + appointmentId, StringComparison.Ordinal))
                {
                    dead = received;
                }
            }

            return dead is not null;
        }, Patience, "the dead-lettered event");
        Assert.Contains("data.clinic.timeZone", dead!.Header("MT-Fault-Message"), StringComparison.Ordinal);
        var appointment = await AppointmentAsync(appointmentId);
        Assert.Equal("booked", appointment.GetProperty("status").GetString());
    }

    private async Task<HttpResponseMessage> PostEventAsync(string cloudEvent, string apiKey = CommsSystem.ApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/mis/events")
        {
            Content = new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        return await system.Scheduling.Http.SendAsync(request);
    }

    private async Task<JsonElement> AppointmentAsync(string appointmentId) =>
        await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var r = await system.Scheduling.Http.GetAsync($"api/v1/clinics/{CommsSystem.ClinicId}/appointments/{appointmentId}");
            return r.IsSuccessStatusCode ? (JsonElement?)await r.Content.ReadFromJsonAsync<JsonElement>() : null;
        }, Patience, () => $"appointment {appointmentId} at Scheduling\n" + system.Logs());

    private async Task<JsonElement> DispatchedSendAsync(string appointmentId) =>
        await Eventually.GetAsync<JsonElement>(async () =>
        {
            var appointment = await AppointmentAsync(appointmentId);
            return appointment.GetProperty("sends").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "dispatched")
                .Select(s => (JsonElement?)s).FirstOrDefault();
        }, Patience, () => $"a dispatched send of {appointmentId}\n" + system.Logs());

    private async Task WaitForQueueDrainedAsync(string queue)
    {
        var endpoints = await TestInfrastructure.GetAsync();
        using var http = new HttpClient { BaseAddress = endpoints.RabbitManagement };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoints.RabbitUser}:{endpoints.RabbitPassword}")));
        await Eventually.TrueAsync(async () =>
        {
            var info = await http.GetFromJsonAsync<JsonElement>($"api/queues/{Uri.EscapeDataString(system.VirtualHost)}/{queue}");
            return info.TryGetProperty("messages", out var m) && m.GetInt32() == 0 &&
                   info.TryGetProperty("messages_unacknowledged", out var u) && u.GetInt32() == 0;
        }, Patience, $"queue {queue} drained");
    }
}
