using System.Text.Json;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comms.Feedback.Tests;

/// <summary>
/// A due feedback request that fails every time holds back none of the others: they are sent in the same pass, it
/// waits, and readiness names it.
/// </summary>
public sealed class FailingRequestTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Fact]
    public async Task A_request_that_fails_every_time_holds_back_the_others_of_its_batch_no_longer_and_readiness_names_it()
    {
        await using var visits = await Visits.OpenAsync(app);
        var stuck = await visits.CompleteAsync(FeedbackApp.ClinicId, Visits.NewId());
        var fine = await visits.CompleteAsync(FeedbackApp.ClinicId, Visits.NewId());

        // The stuck request first in line, and unable to save: its patient id, taken from the visit at sending time,
        // is longer than the request's column holds, so the pass's SaveChanges fails every time.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            await db.Visits.Where(v => v.ClinicId == stuck.ClinicId && v.AppointmentId == stuck.AppointmentId)
                .ExecuteUpdateAsync(s => s.SetProperty(v => v.PatientId, new string('x', 300)));
            await db.Requests.Where(r => r.MessageId == stuck.MessageId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.PatientId, (string?)null).SetProperty(r => r.DueAt, DateTimeOffset.UtcNow.AddMinutes(-10)));
            await db.Requests.Where(r => r.MessageId == fine.MessageId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, DateTimeOffset.UtcNow.AddMinutes(-5)));
        }

        var dispatcher = app.Services.GetServices<IHostedService>().OfType<DueDispatcher>().Single();
        while (await dispatcher.DispatchDueAsync(CancellationToken.None) > 0)
        {
        }

        Assert.Equal(RequestStatuses.Sent, (await visits.RequestAsync(fine.ClinicId, fine.AppointmentId)).Status);
        Assert.Equal(RequestStatuses.Pending, (await visits.RequestAsync(stuck.ClinicId, stuck.AppointmentId)).Status);

        using var client = app.Factory.CreateClient();
        var readiness = JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("Degraded", readiness.GetProperty("status").GetString());
        var check = readiness.GetProperty("checks").GetProperty("due-requests");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        var description = check.GetProperty("description").GetString()!;
        Assert.StartsWith("1 feedback request(s) fail on their own and wait, the others go on", description, StringComparison.Ordinal);
        Assert.Contains(stuck.MessageId.ToString(), description, StringComparison.Ordinal);
    }
}
