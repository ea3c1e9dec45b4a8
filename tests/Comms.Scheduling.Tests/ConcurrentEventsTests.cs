using System.Text.Json;
using Comms.Scheduling.Features.MisEvents;
using Comms.Testing;
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
