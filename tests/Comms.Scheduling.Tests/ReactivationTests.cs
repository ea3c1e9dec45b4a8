using System.Net;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Scheduling.Tests;

/// <summary>Audience's audience.churn_risk answered with a reactivation message, when the clinic enables it.</summary>
public sealed class ReactivationTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private const string OpenWindow = "\"sendWindow\":{\"start\":\"00:00\",\"end\":\"00:00\"}";

    [Fact]
    public async Task A_patient_at_risk_is_asked_back_once_and_one_with_a_booking_ahead_is_not()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        await PutAsync(clinic, """
            "sends":[],"reactivation":{"enabled":true,"signals":["overdue"],"channels":["sms"],"atMostEveryDays":90}
            """);
        var (drifting, coming) = (Clinic.NewId(), Clinic.NewId());
        await clinic.BookAsync(drifting, DateTimeOffset.UtcNow.AddDays(-200));
        await clinic.PublishAsync("appointment.completed", clinic.Closing(drifting, 2));
        await clinic.BookAsync(coming, DateTimeOffset.UtcNow.AddDays(-200));
        await clinic.PublishAsync("appointment.completed", clinic.Closing(coming, 2));
        await clinic.BookAsync(Clinic.NewId(), DateTimeOffset.UtcNow.AddDays(10), patientId: "P-" + coming);
        await clinic.TimelineAsync(drifting, 2);
        await clinic.TimelineAsync(coming, 2);
        var before = app.Received.Finished(ReactivationQueue);

        await ChurnRiskAsync(clinic, "P-" + drifting, "overdue");
        await ChurnRiskAsync(clinic, "P-" + drifting, "overdue"); // a second announcement: at most one in 90 days
        await ChurnRiskAsync(clinic, "P-" + coming, "overdue");
        await ChurnRiskAsync(clinic, "P-" + drifting, "falling_frequency"); // not a signal this clinic answers
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReactivationQueue) >= before + 4), Clinic.Patience, "the four announcements consumed");

        var planned = Assert.Single(Clinic.Sends(await clinic.TimelineAsync(drifting, 2), kind: "reactivation"));
        Assert.Equal("pending", planned.GetProperty("status").GetString());
        Assert.Equal("appointment.recall", planned.GetProperty("templateKey").GetString());
        Assert.Empty(Clinic.Sends(await clinic.TimelineAsync(coming, 2), kind: "reactivation"));
        await clinic.DispatchDueAsync();
        var message = await clinic.Broker.WaitForMessageAsync(composed, m => m.GetProperty("appointmentId").GetString() == drifting, Clinic.Patience, "the reactivation message");
        Assert.Equal("service", message.GetProperty("purpose").GetString());
        Assert.Equal(["sms"], message.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("dispatched", Assert.Single(Clinic.Sends(await clinic.TimelineAsync(drifting, 2), kind: "reactivation")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nothing_is_planned_while_the_clinic_has_not_enabled_it_and_a_bad_rule_is_refused()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        await PutAsync(clinic, "\"sends\":[]");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(-200));
        await clinic.PublishAsync("appointment.completed", clinic.Closing(id, 2));
        await clinic.TimelineAsync(id, 2);
        var before = app.Received.Finished(ReactivationQueue);

        await ChurnRiskAsync(clinic, "P-" + id, "overdue");
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ReactivationQueue) > before), Clinic.Patience, "the announcement consumed");

        Assert.Empty(Clinic.Sends(await clinic.TimelineAsync(id, 2), kind: "reactivation"));
        using var bad = await clinic.PutRulesAsync("{" + OpenWindow + ",\"reactivation\":{\"enabled\":true,\"signals\":[\"sad\"],\"channels\":[\"sms\"]}}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("reactivation", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private const string ReactivationQueue = "scheduling-churn-risk";

    private static Task ChurnRiskAsync(Clinic clinic, string patientId, string signal) =>
        clinic.Broker.PublishAsync("comms.events", "audience.churn_risk", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "comms/audience", type = "audience.churn_risk",
            data = new { clinicId = clinic.Id, patientId, segment = "at_risk", signals = new[] { new { code = signal, text = "…" } } },
        }));

    private static async Task PutAsync(Clinic clinic, string fields)
    {
        using var response = await clinic.PutRulesAsync("{" + OpenWindow + "," + fields + "}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
