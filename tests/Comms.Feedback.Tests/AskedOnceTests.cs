using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comms.Feedback.Tests;

/// <summary>
/// Two visits of one patient completed at once are both planned before either is sent: the repeat rule is kept at
/// sending time, whether both requests come due in one pass of the dispatcher or in two passes side by side (replicas).
/// </summary>
public sealed class AskedOnceTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_visits_of_one_patient_due_in_one_pass_ask_once_and_the_other_is_skipped_naming_the_first()
    {
        await using var visits = await Visits.OpenAsync(app);
        var (first, second) = await PlannedSideBySideAsync(visits, secondDue: DateTimeOffset.UtcNow.AddSeconds(-1));

        await Dispatcher.DispatchDueAsync(Ct);

        await AssertAskedOnceAsync(visits, first, second);
    }

    [Fact]
    public async Task Two_passes_side_by_side_each_holding_one_of_the_patients_requests_ask_once()
    {
        await using var visits = await Visits.OpenAsync(app);
        var (first, second) = await PlannedSideBySideAsync(visits, secondDue: DateTimeOffset.UtcNow.AddHours(1));

        Task<int> firstPass, secondPass;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The barrier: nothing may be added to the outbox, so a pass that decided to send stops at its commit.
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            await using var hold = await db.Database.BeginTransactionAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("LOCK TABLE outbox_messages IN SHARE ROW EXCLUSIVE MODE", Ct);

            // One replica takes the first request (the only one due) and stops at its commit, the send decided.
            firstPass = Task.Run(() => Dispatcher.DispatchDueAsync(Ct), Ct);
            await Eventually.TrueAsync(async () => await PassesAtTheBarrierAsync() == 1, Visits.Patience, "the first pass at its commit");

            // Now the second comes due; another replica takes it while the first pass has not committed.
            await MoveDueAsync(second, DateTimeOffset.UtcNow.AddSeconds(-1));
            secondPass = Task.Run(() => Dispatcher.DispatchDueAsync(Ct), Ct);
            await Task.WhenAny(secondPass, Eventually.TrueAsync(async () => await PassesAtTheBarrierAsync() == 2, Visits.Patience, "the second pass at its commit"));

            await hold.RollbackAsync(Ct);
        }

        await Task.WhenAll(firstPass, secondPass);
        while (await Dispatcher.DispatchDueAsync(Ct) > 0)
        {
        }

        await AssertAskedOnceAsync(visits, first, second);
    }

    private DueDispatcher Dispatcher => app.Services.GetServices<IHostedService>().OfType<DueDispatcher>().Single();

    /// <summary>
    /// Two completed visits of one new patient whose requests are both pending, as two completions planned at the same
    /// moment leave them (each planner saw no other request yet); the first is due now, and before the second.
    /// </summary>
    private async Task<(string First, string Second)> PlannedSideBySideAsync(Visits visits, DateTimeOffset secondDue)
    {
        var patient = Visits.NewId("P");
        var first = Visits.NewId();
        var second = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, first, patient);
        await visits.CompleteAsync(FeedbackApp.ClinicId, second, patient);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        await db.Requests.Where(r => r.ClinicId == FeedbackApp.ClinicId && r.AppointmentId == second)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RequestStatuses.Pending).SetProperty(r => r.StatusReason, (string?)null), Ct);
        // The first is due before the second whatever time the completions took (secondDue was read before them).
        var firstDue = DateTimeOffset.UtcNow.AddSeconds(-2);
        await MoveDueAsync(first, firstDue < secondDue ? firstDue : secondDue.AddSeconds(-1));
        await MoveDueAsync(second, secondDue);
        return (first, second);
    }

    private async Task MoveDueAsync(string appointmentId, DateTimeOffset dueAt)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().Requests
            .Where(r => r.ClinicId == FeedbackApp.ClinicId && r.AppointmentId == appointmentId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, dueAt), Ct);
    }

    /// <summary>Dispatcher passes waiting to add their ComposeMessage to the outbox.</summary>
    private async Task<int> PassesAtTheBarrierAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO outbox_messages%'
            """).SingleAsync(Ct);
    }

    private async Task AssertAskedOnceAsync(Visits visits, string first, string second)
    {
        var asked = await visits.RequestAsync(FeedbackApp.ClinicId, first);
        var skipped = await visits.RequestAsync(FeedbackApp.ClinicId, second);
        Assert.Equal(RequestStatuses.Sent, asked.Status);
        Assert.Equal(RequestStatuses.Skipped, skipped.Status);
        Assert.Equal(SkipReasons.AskedRecently(first, 30), skipped.StatusReason);
        Assert.Null(skipped.DispatchedAt);
    }
}
