using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Comms.Audience.Tests.AudienceApi;

namespace Comms.Audience.Tests;

/// <summary>What Comms' messages did: the events every service publishes, over the real broker, into the channel figures.</summary>
public sealed class ChannelTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Confirmation_requests_by_sms_are_counted_with_their_answers_no_shows_and_cost()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var bus = app.Services.GetRequiredService<IBus>();
        using var client = app.CreateClinicClient();
        var visitAt = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
        var before = app.Received.Finished(AudienceApp.MisQueue);
        var answersBefore = app.Received.Finished("audience-answers");
        var messages = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        // Three appointments, each asked 24 h before by SMS: the first confirmed and came, the second confirmed and
        // did not come, the third not answered and did not come.
        for (var i = 0; i < 3; i++)
        {
            var appointment = $"CH-A-{i}";
            await probe.PublishAsync("mis.events", "appointment.booked", JsonSerializer.Serialize(new
            {
                specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis", type = "appointment.booked",
                data = new
                {
                    appointmentId = appointment, version = 1, startsAt = visitAt.AddDays(i).ToString("O"),
                    clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" }, patient = new { patientId = $"CH-P-{i}", phone = "+79160000003" },
                },
            }));
            var outcome = i == 0 ? "appointment.completed" : "appointment.no_show";
            await probe.PublishAsync("mis.events", outcome, JsonSerializer.Serialize(new
            {
                specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis", type = outcome,
                data = new { appointmentId = appointment, version = 2, clinic = new { clinicId = "msk-1" }, amountPaid = i == 0 ? 2000 : (int?)null },
            }));
            var requestedAt = visitAt.AddDays(i).AddHours(-24);
            await bus.Publish(new ComposeMessage(messages[i], "appointment.confirmation", "service", ["sms"],
                new MessageRecipient("msk-1", $"CH-P-{i}", "+79160000003", null, null, "Europe/Moscow"), "ru",
                new Dictionary<string, string?>(), appointment, "confirmation", requestedAt));
            await bus.Publish(new MessageStatusChanged(messages[i], "msk-1", $"CH-P-{i}", appointment, "sms", "delivered", null, "smsru",
                requestedAt.AddMinutes(1), Cost: 3.5m, Currency: "RUB"));
            if (i < 2)
            {
                await probe.PublishAsync("comms.events", "appointment.confirmed", JsonSerializer.Serialize(new
                {
                    specversion = "1.0", id = Guid.NewGuid().ToString(), source = "comms/scheduling", type = "appointment.confirmed",
                    data = new { appointmentId = appointment, clinicId = "msk-1", patientId = $"CH-P-{i}", messageId = messages[i], channel = "sms", reply = "1", answeredAt = requestedAt.AddMinutes(11 + 10 * i) },
                }));
            }
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) >= before + 6 && app.Received.Finished("audience-answers") >= answersBefore + 2),
            Patience, "the MIS events and the answers consumed");
        var rows = await Eventually.GetAsync(async () =>
        {
            var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/channels?from=2026-03-01&to=2026-03-31");
            var sms = all.EnumerateArray().Where(r => r.GetProperty("channel").GetString() == "sms").ToList();
            return sms.Sum(r => r.GetProperty("delivered").GetInt32()) == 3 && sms.Sum(r => r.GetProperty("confirmed").GetInt32()) == 2 ? sms : null;
        }, Patience, "the three messages' statuses and answers");

        var confirmed = rows.Sum(r => r.GetProperty("confirmed").GetInt32());
        Assert.Equal(2, confirmed);
        var row = Assert.Single(rows); // one template, and all three patients are new
        Assert.Equal("appointment.confirmation", row.GetProperty("templateKey").GetString());
        Assert.Equal(3, row.GetProperty("messages").GetInt32());
        Assert.Equal(2.0 / 3, row.GetProperty("confirmationRate").GetDouble(), 6);
        Assert.Equal(0.5, row.GetProperty("noShowAfterConfirmed").GetDouble(), 6);
        Assert.Equal(1.0, row.GetProperty("noShowUnconfirmed").GetDouble(), 6);
        Assert.Equal(10.5m, row.GetProperty("cost").GetDecimal());
        Assert.Equal(3.5m, row.GetProperty("costPerDelivered").GetDecimal());
        Assert.Equal(10.5m, row.GetProperty("costPerConfirmedVisit").GetDecimal()); // one confirmed visit came
        Assert.Equal(15, row.GetProperty("medianMinutesToAnswer").GetDouble(), 6); // 10 and 20 minutes after delivery
        Assert.Equal(JsonValueKind.Null, row.GetProperty("read").ValueKind);

        var timing = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/reminder-timing?from=2026-03-01&to=2026-03-31");
        var lead = Assert.Single(timing.EnumerateArray(), t => t.GetProperty("bucket").GetString() == "lead:24h");
        Assert.Equal(3, lead.GetProperty("messages").GetInt32());
        Assert.Equal(2.0 / 3, lead.GetProperty("noShowRate").GetDouble(), 6);
        var hour = Assert.Single(timing.EnumerateArray(), t => t.GetProperty("bucket").GetString()!.StartsWith("hour:", StringComparison.Ordinal));
        Assert.Equal("hour:12", hour.GetProperty("bucket").GetString()); // 09:00 UTC is 12:00 in Moscow
    }

    [Fact]
    public async Task Recall_intervals_per_service_recommend_the_median_return()
    {
        using var client = app.CreateClinicClient();
        var rows = new List<string> { "patientId,date,amount,status,serviceCode" };
        var start = new DateOnly(2024, 1, 10);
        // Hygiene: patients come back every 170, 180 and 190 days; one patient's extra visit of another service in between.
        foreach (var (patient, every) in new[] { ("RC-1", 170), ("RC-2", 180), ("RC-3", 190) })
        {
            rows.AddRange(Every(start, start.AddDays(every * 3), every).Select(d => $"{patient},{d:yyyy-MM-dd},3000,completed,HYG-RC"));
        }

        rows.Add("RC-1,2024-03-01,1000,completed,XRAY-RC");
        await client.ImportVisitsAsync(string.Join('\n', rows));

        var recall = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/recall-intervals?asOf=2026-06-30");
        var hygiene = Assert.Single(recall.EnumerateArray(), r => r.GetProperty("key").GetString() == "HYG-RC");
        Assert.Equal("service", hygiene.GetProperty("by").GetString());
        Assert.Equal(9, hygiene.GetProperty("intervals").GetInt32());
        Assert.Equal(3, hygiene.GetProperty("patients").GetInt32());
        Assert.Equal(180, hygiene.GetProperty("medianDays").GetDouble());
        Assert.Equal(170, hygiene.GetProperty("lowerQuartileDays").GetDouble());
        Assert.Equal(190, hygiene.GetProperty("upperQuartileDays").GetDouble());
        Assert.Equal(180, hygiene.GetProperty("recommendedDays").GetInt32());
        Assert.DoesNotContain(recall.EnumerateArray(), r => r.GetProperty("key").GetString() == "XRAY-RC"); // one visit: no interval
    }
}
