using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Tests;

public sealed class AppointmentEventsTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reschedule_suppresses_pending_sends_and_plans_new_ones()
    {
        var id = NewId();
        await PostAsync(Event("appointment.booked", $"b-{id}", Booking(id, 1, DateTimeOffset.UtcNow.AddDays(5))));
        await WaitForVersionAsync(id, 1);
        await PostAsync(Event("appointment.rescheduled", $"r-{id}", Booking(id, 2, DateTimeOffset.UtcNow.AddDays(6))));

        var appointment = await WaitForVersionAsync(id, 2);
        var sends = appointment.GetProperty("sends").EnumerateArray().ToList();
        Assert.Equal(3, sends.Count(s => s.GetProperty("status").GetString() == "suppressed"));
        Assert.Equal(3, sends.Count(s => s.GetProperty("status").GetString() == "pending"));
        Assert.All(sends.Where(s => s.GetProperty("status").GetString() == "suppressed"),
            s => Assert.Equal("the appointment was rescheduled", s.GetProperty("statusReason").GetString()));
        Assert.All(sends, s => Assert.Equal(["sms"], s.GetProperty("channels").EnumerateArray().Select(c => c.GetString())));
    }

    [Fact]
    public async Task Cancellation_that_overtakes_its_booking_is_not_lost()
    {
        var id = NewId();
        await PostAsync(Event("appointment.cancelled", $"c-{id}", new { appointmentId = id, version = 2, clinic = new { clinicId = "msk-1" } }));
        await WaitForVersionAsync(id, 2);
        await PostAsync(Event("appointment.booked", $"b-{id}", Booking(id, 1, DateTimeOffset.UtcNow.AddDays(5))));
        await PostAsync(Event("appointment.cancelled", $"c2-{id}", new { appointmentId = "other-" + id, version = 1, clinic = new { clinicId = "msk-1" } }));
        await WaitForVersionAsync("other-" + id, 1); // events are handled in order on one queue: the booking was seen

        var appointment = await GetAppointmentAsync(id);
        Assert.Equal("cancelled", appointment!.Value.GetProperty("status").GetString());
        Assert.Empty(appointment.Value.GetProperty("sends").EnumerateArray());
    }

    [Fact]
    public async Task Cancellation_suppresses_every_pending_send()
    {
        var id = NewId();
        await PostAsync(Event("appointment.booked", $"b-{id}", Booking(id, 1, DateTimeOffset.UtcNow.AddDays(5))));
        await WaitForVersionAsync(id, 1);
        await PostAsync(Event("appointment.cancelled", $"c-{id}", new { appointmentId = id, version = 2, clinic = new { clinicId = "msk-1" } }));

        var appointment = await WaitForVersionAsync(id, 2);
        Assert.All(appointment.GetProperty("sends").EnumerateArray(), s => Assert.Equal("suppressed", s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Due_sends_are_dispatched_once_even_by_competing_dispatchers()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var composed = await broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        var startsAt = DateTimeOffset.UtcNow.AddHours(6);
        var ids = Enumerable.Range(0, 20).Select(_ => NewId()).ToList();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
            foreach (var id in ids)
            {
                db.Appointments.Add(new Appointment
                {
                    ClinicId = "msk-1", AppointmentId = id, Status = AppointmentStatuses.Booked, StartsAt = startsAt,
                    ClinicTimeZone = "Europe/Moscow", PatientId = "P-" + id, Phone = "+79161234567", FirstName = "Анна",
                });
                db.ScheduledSends.Add(new ScheduledSend
                {
                    MessageId = Guid.CreateVersion7(), ClinicId = "msk-1", AppointmentId = id, Kind = "reminder",
                    TemplateKey = "appointment.reminder", Purpose = "service", Channels = ["sms"],
                    DueAt = DateTimeOffset.UtcNow.AddMinutes(-1), Status = SendStatuses.Pending, CreatedAt = DateTimeOffset.UtcNow,
                });
            }

            await db.SaveChangesAsync();
        }

        var dispatcher = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DueDispatcher>().Single();
        var options = app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value;
        options.DispatchBatchSize = 3; // many small batches, so the competitors really interleave
        var passes = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (await dispatcher.DispatchDueAsync(options, CancellationToken.None) > 0)
            {
            }
        }));
        await Task.WhenAll(passes);

        var received = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            while (await broker.GetAsync(composed) is { } message)
            {
                received.Add(JsonDocument.Parse(message.Body).RootElement.GetProperty("message").GetProperty("appointmentId").GetString()!);
            }

            return received.Count >= ids.Count;
        }, Patience, "20 ComposeMessages");
        await Task.Delay(500);
        while (await broker.GetAsync(composed) is { } late)
        {
            received.Add(late.Body);
        }

        Assert.Equal(ids.Order(), received.Order());
        using var check = app.Services.CreateScope();
        var sends = await check.ServiceProvider.GetRequiredService<SchedulingDbContext>().ScheduledSends
            .Where(s => ids.Contains(s.AppointmentId)).ToListAsync();
        Assert.All(sends, s => Assert.Equal(SendStatuses.Dispatched, s.Status));
    }

    [Fact]
    public async Task The_waitlist_events_are_taken_over_http_for_the_keys_own_clinic_and_passed_on_to_mis_events()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var passed = await broker.BindQueueAsync("mis.events", "waitlist.*");
        var freed = await broker.BindQueueAsync("mis.events", "slot.freed");
        var id = NewId();
        var from = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3));
        object Entry(string clinicId) => new
        {
            entryId = "W-" + id,
            clinic = new { clinicId, timeZone = "Europe/Moscow" },
            patient = new { patientId = "P-" + id, phone = "+7 916 123-45-67" },
            specialty = "Терапевт",
            period = new { from = from.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture), to = from.AddDays(14).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) },
        };

        await PostAsync(Event("waitlist.added", $"w-{id}", Entry("msk-1")));
        await PostAsync(Event("slot.freed", $"s-{id}", new
        {
            clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" },
            doctor = new { doctorId = "D-5", specialty = "Терапевт" },
            startsAt = from.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            durationMinutes = 30,
        }));
        using var foreign = await SendAsync(Event("waitlist.added", $"f-{id}", Entry("spb-1")));
        using var invalid = await SendAsync(Event("waitlist.removed", $"x-{id}", new { clinic = new { clinicId = "msk-1" } }));

        Assert.Equal("W-" + id, (await broker.WaitForAsync(passed, e => e.GetProperty("id").GetString() == $"w-{id}", Patience, "waitlist.added")).GetProperty("data").GetProperty("entryId").GetString());
        Assert.Equal("D-5", (await broker.WaitForAsync(freed, e => e.GetProperty("id").GetString() == $"s-{id}", Patience, "slot.freed")).GetProperty("data").GetProperty("doctor").GetProperty("doctorId").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("data.entryId", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string NewId() => "A-" + Guid.NewGuid().ToString("N")[..10];

    private static object Booking(string id, int version, DateTimeOffset startsAt) => new
    {
        appointmentId = id,
        version,
        startsAt = startsAt.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        clinic = new { clinicId = "msk-1", name = "Клиника", timeZone = "Europe/Moscow" },
        patient = new { patientId = "P-" + id, firstName = "Анна", phone = "+7 916 123-45-67" },
    };

    private static string Event(string type, string id, object data) => JsonSerializer.Serialize(new
    {
        specversion = "1.0", id, source = "mis/test", type, data,
    });

    private async Task PostAsync(string cloudEvent)
    {
        using var response = await SendAsync(cloudEvent);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(string cloudEvent)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/mis/events")
        {
            Content = new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"),
        };
        request.Headers.Add("X-Api-Key", SchedulingApp.ApiKey);
        return await client.SendAsync(request);
    }

    private async Task<JsonElement?> GetAppointmentAsync(string id)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/api/v1/clinics/msk-1/appointments/{id}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    private async Task<JsonElement> WaitForVersionAsync(string id, int version) =>
        await Eventually.GetAsync<JsonElement>(async () =>
            await GetAppointmentAsync(id) is { } a && a.GetProperty("version").GetInt64() == version ? a : null,
            Patience, $"appointment {id} at version {version}");
}
