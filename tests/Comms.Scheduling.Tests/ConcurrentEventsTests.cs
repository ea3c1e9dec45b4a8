using System.Text.Json;
using Comms.Scheduling.Features.MisEvents;
using Comms.Scheduling.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Scheduling.Tests;

/// <summary>
/// MIS events about one new appointment that arrive side by side (a resent event, a booking and its reschedule): all
/// published in one burst, so the endpoint's concurrent consumers take them together. A repeat is a repeat, not an error.
/// </summary>
public sealed class ConcurrentEventsTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private const int Appointments = 12;

    [Fact]
    public async Task Two_copies_of_one_booking_at_once_are_applied_once_and_nothing_is_logged_as_a_failure()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var since = DateTimeOffset.UtcNow;
        var finished = app.Received.Finished(MisEventsExtensions.QueueName);
        var startsAt = DateTimeOffset.UtcNow.AddDays(5);
        var ids = Enumerable.Range(0, Appointments).Select(_ => Clinic.NewId()).ToList();

        foreach (var id in ids)
        {
            var copy = Event(clinic, "b-" + id, "appointment.booked", clinic.Booking(id, startsAt, "P-" + id));
            await clinic.Broker.PublishAsync("mis.events", "appointment.booked", copy);
            await clinic.Broker.PublishAsync("mis.events", "appointment.booked", copy);
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(MisEventsExtensions.QueueName) >= finished + (2 * Appointments)),
            Clinic.Patience, "every copy handled");
        foreach (var id in ids)
        {
            var timeline = await clinic.TimelineAsync(id, version: 1);
            Assert.Equal("booked", timeline.GetProperty("status").GetString());
            Assert.Equal(3, Clinic.Sends(timeline).Count); // one plan, not two
            Assert.All(Clinic.Sends(timeline), s => Assert.Equal("pending", s.GetProperty("status").GetString()));
        }

        AssertNothingWentWrong(since);
    }

    [Fact]
    public async Task A_booking_and_its_reschedule_at_once_end_at_the_newest_version_without_a_failure()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var since = DateTimeOffset.UtcNow;
        var booked = DateTimeOffset.UtcNow.AddDays(5);
        var moved = booked.AddDays(1);
        var ids = Enumerable.Range(0, Appointments).Select(_ => Clinic.NewId()).ToList();

        foreach (var id in ids)
        {
            await clinic.Broker.PublishAsync("mis.events", "appointment.booked",
                Event(clinic, "b-" + id, "appointment.booked", clinic.Booking(id, booked, "P-" + id)));
            await clinic.Broker.PublishAsync("mis.events", "appointment.rescheduled",
                Event(clinic, "r-" + id, "appointment.rescheduled", clinic.Booking(id, moved, "P-" + id, version: 2)));
        }

        foreach (var id in ids)
        {
            var timeline = await clinic.TimelineAsync(id, version: 2);
            Assert.Equal(2, timeline.GetProperty("version").GetInt64());
            Assert.Equal(moved.ToUnixTimeSeconds(), timeline.GetProperty("startsAt").GetDateTimeOffset().ToUnixTimeSeconds());
            // Whichever came first, the plan in force is the reschedule's: three sends (the booking's, if it was
            // applied first, are suppressed).
            Assert.Equal(3, Clinic.Sends(timeline, status: "pending").Count);
        }

        AssertNothingWentWrong(since);
    }

    [Fact]
    public async Task In_one_burst_each_event_sees_the_ones_before_it_a_cancellation_its_booking_a_new_phone_every_appointment()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var since = DateTimeOffset.UtcNow;
        var startsAt = DateTimeOffset.UtcNow.AddDays(5);
        var ids = Enumerable.Range(0, Appointments).Select(_ => Clinic.NewId()).ToList();
        var patient = "P-" + Guid.NewGuid().ToString("N")[..8];

        // Published back to back, so the endpoint takes them in a few batches: a booking, every second one cancelled
        // right after, and at the end the patient's new phone, which must reach the appointments booked just before it.
        for (var i = 0; i < ids.Count; i++)
        {
            await clinic.Broker.PublishAsync("mis.events", "appointment.booked",
                Event(clinic, "b-" + ids[i], "appointment.booked", clinic.Booking(ids[i], startsAt.AddHours(i), patient)));
            if (i % 2 == 0)
            {
                await clinic.Broker.PublishAsync("mis.events", "appointment.cancelled",
                    Event(clinic, "c-" + ids[i], "appointment.cancelled", clinic.Closing(ids[i], version: 2)));
            }
        }

        await clinic.Broker.PublishAsync("mis.events", "patient.updated", Event(clinic, "u-" + patient, "patient.updated", new
        {
            patientId = patient, clinicId = clinic.Id, phone = "+7 903 000-11-22",
        }));

        // A replica takes one batch at a time, each in the order the broker delivered it; two events arriving at the
        // same instant at a batch's edge may still swap (the MIS contract: events may arrive in any order, the version
        // decides). The order they were applied in is what the service logged, so each outcome is checked against it.
        var order = await Eventually.GetAsync(() => Task.FromResult(AppliedOrder(since, ["u-" + patient, .. ids.Select(id => "b-" + id)])),
            Clinic.Patience, "the burst applied");
        for (var i = 0; i < ids.Count; i++)
        {
            var timeline = await clinic.TimelineAsync(ids[i], version: i % 2 == 0 ? 2 : 1);
            if (i % 2 == 0)
            {
                Assert.Equal("cancelled", timeline.GetProperty("status").GetString());
                Assert.Empty(Clinic.Sends(timeline, status: "pending"));
                // The booking applied first: its plan withdrawn. The cancellation first: kept, and the booking after it stale.
                Assert.Equal(BookedFirst(order, ids[i]) ? 3 : 0, Clinic.Sends(timeline).Count);
                Assert.Equal(BookedFirst(order, ids[i]) ? 3 : 0, Clinic.Sends(timeline, status: "suppressed").Count);
            }
            else
            {
                Assert.Equal(3, Clinic.Sends(timeline, status: "pending").Count);
            }
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var phones = await db.Appointments.AsNoTracking().Where(a => a.ClinicId == clinic.Id).ToDictionaryAsync(a => a.AppointmentId, a => a.Phone);
        Assert.Equal(ids.Count, phones.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            // The new phone reaches every appointment of the patient booked before it; a cancellation kept before its
            // booking knows no patient.
            var expected = i % 2 == 0 && !BookedFirst(order, ids[i]) ? null
                : order.IndexOf("b-" + ids[i]) < order.IndexOf("u-" + patient) ? "+79030001122" : "+79161234567";
            Assert.Equal(expected, phones[ids[i]]);
        }

        Assert.True(order.IndexOf("u-" + patient) > ids.Count, "the patient's update was applied after most of the burst");
        AssertNothingWentWrong(since);
    }

    private static bool BookedFirst(List<string> order, string id) => order.IndexOf("b-" + id) < order.IndexOf("c-" + id);

    /// <summary>The event ids the service logged as applied since <paramref name="since"/>, in order; null until all of <paramref name="awaited"/> are in it.</summary>
    private List<string>? AppliedOrder(DateTimeOffset since, IEnumerable<string> awaited)
    {
        var order = app.Logs.Entries
            .Where(e => e.At >= since && e.Message.StartsWith("Applied MIS event ", StringComparison.Ordinal))
            .Select(e => e.Message[(e.Message.LastIndexOf(' ') + 1)..])
            .ToList();
        return awaited.All(order.Contains) ? order : null;
    }

    [Fact]
    public async Task An_invalid_event_in_a_burst_goes_to_the_error_queue_alone_as_the_mis_sent_it_and_the_others_are_applied()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var startsAt = DateTimeOffset.UtcNow.AddDays(5);
        var ids = Enumerable.Range(0, Appointments).Select(_ => Clinic.NewId()).ToList();
        var bad = Clinic.NewId("BAD");
        // The booking without a start: the reader names the field.
        var broken = Event(clinic, "b-" + bad, "appointment.booked", new
        {
            appointmentId = bad, version = 1, clinic = new { clinicId = clinic.Id, timeZone = "Europe/Moscow" }, patient = new { patientId = "P-" + bad },
        });

        for (var i = 0; i < ids.Count; i++)
        {
            await clinic.Broker.PublishAsync("mis.events", "appointment.booked",
                Event(clinic, "b-" + ids[i], "appointment.booked", clinic.Booking(ids[i], startsAt, "P-" + ids[i])));
            if (i == ids.Count / 2)
            {
                await clinic.Broker.PublishAsync("mis.events", "appointment.booked", broken);
            }
        }

        foreach (var id in ids)
        {
            Assert.Equal(3, Clinic.Sends(await clinic.TimelineAsync(id, version: 1), status: "pending").Count);
        }

        var dead = await Eventually.GetAsync(async () =>
        {
            while (await clinic.Broker.GetAsync(MisEventsExtensions.QueueName + "_error") is { } received)
            {
                if (received.Body.Contains(bad, StringComparison.Ordinal))
                {
                    return received;
                }
            }

            return null;
        }, Clinic.Patience, "the invalid event in the error queue");
        Assert.Equal(broken, dead.Body);
        Assert.Contains("Invalid MIS event", dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
        Assert.Contains("data.startsAt", dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
        using var response = await clinic.Api.GetAsync($"/api/v1/clinics/{clinic.Id}/appointments/{bad}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        // The operator's log line names the event by its CloudEvent id (it has no transport message id).
        await Eventually.TrueAsync(() => Task.FromResult(app.Logs.Entries.Any(e => e.Level == LogLevel.Error &&
                e.Message.StartsWith($"Message cloudevent b-{bad} moved from {MisEventsExtensions.QueueName} to {MisEventsExtensions.QueueName}_error", StringComparison.Ordinal))),
            Clinic.Patience, "the dead letter logged with the event's id");
    }

    private static string Event(Clinic clinic, string id, string type, object data) => JsonSerializer.Serialize(new
    {
        specversion = "1.0", id, source = "mis/" + clinic.Id, type, data,
    });

    /// <summary>No error, and no retry either (MassTransit warns of each): nothing an operator would be alerted to.</summary>
    private void AssertNothingWentWrong(DateTimeOffset since)
    {
        var problems = app.Logs.AtLeast(LogLevel.Warning, since);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
