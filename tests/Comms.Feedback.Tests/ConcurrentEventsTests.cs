using Comms.Feedback.Features;
using Comms.Feedback.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Feedback.Tests;

/// <summary>
/// MIS events about one visit that arrive side by side (a resent event, the same completion sent twice), published in
/// one burst so the endpoint's concurrent consumers take them together. A repeat is a repeat, not an error.
/// </summary>
public sealed class ConcurrentEventsTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    private const int Count = 12;
    private const string Clinic = FeedbackApp.ClinicId;

    [Fact]
    public async Task Two_copies_of_one_booking_at_once_make_one_visit_and_nothing_is_logged_as_a_failure()
    {
        await using var visits = await Visits.OpenAsync(app);
        var since = DateTimeOffset.UtcNow;
        var finished = app.Received.Finished(FeedbackExtensions.MisEventsQueue);
        var ids = Enumerable.Range(0, Count).Select(_ => Visits.NewId()).ToList();

        foreach (var id in ids)
        {
            var booking = Visits.Booking(Clinic, id, "P-" + id, DateTimeOffset.UtcNow.AddDays(2));
            await visits.PublishAsync("appointment.booked", booking, eventId: "b-" + id);
            await visits.PublishAsync("appointment.booked", booking, eventId: "b-" + id);
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(FeedbackExtensions.MisEventsQueue) >= finished + (2 * Count)),
            Visits.Patience, "every copy handled");
        foreach (var id in ids)
        {
            var visit = await visits.VisitAsync(Clinic, id);
            Assert.NotNull(visit);
            Assert.Equal((1, "booked", true), (visit.Version, visit.Status, visit.HasDetails));
        }

        AssertNothingWentWrong(since);
    }

    [Fact]
    public async Task One_completion_sent_twice_at_once_plans_one_feedback_request_without_a_failure()
    {
        await using var visits = await Visits.OpenAsync(app);
        var ids = Enumerable.Range(0, Count).Select(_ => Visits.NewId()).ToList();
        foreach (var id in ids)
        {
            await visits.PublishAsync("appointment.booked", Visits.Booking(Clinic, id, "P-" + id, DateTimeOffset.UtcNow.AddHours(-1)));
        }

        foreach (var id in ids)
        {
            await Eventually.GetAsync(() => visits.VisitAsync(Clinic, id), Visits.Patience, $"the booking of {id}");
        }

        var since = DateTimeOffset.UtcNow;
        var finished = app.Received.Finished(FeedbackExtensions.MisEventsQueue);
        foreach (var id in ids)
        {
            // The MIS resent it under a new event id: the inbox cannot tell, the visit's version must.
            await visits.PublishAsync("appointment.completed", Visits.Completion(Clinic, id));
            await visits.PublishAsync("appointment.completed", Visits.Completion(Clinic, id));
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(FeedbackExtensions.MisEventsQueue) >= finished + (2 * Count)),
            Visits.Patience, "every completion handled");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var requests = await db.Requests.AsNoTracking().Where(r => ids.Contains(r.AppointmentId)).ToListAsync();
        Assert.All(ids, id => Assert.Single(requests, r => r.AppointmentId == id));
        AssertNothingWentWrong(since);
    }

    /// <summary>No error, and no retry either (MassTransit warns of each): nothing an operator would be alerted to.</summary>
    private void AssertNothingWentWrong(DateTimeOffset since)
    {
        var problems = app.Logs.AtLeast(LogLevel.Warning, since);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
