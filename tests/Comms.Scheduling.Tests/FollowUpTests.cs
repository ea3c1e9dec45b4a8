using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Scheduling.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Scheduling.Tests;

/// <summary>What follows a visit (the no-show message, the recall) and what merges around it.</summary>
public sealed class FollowUpTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private const string OpenWindow = "\"sendWindow\":{\"start\":\"00:00\",\"end\":\"00:00\"}";

    [Fact]
    public async Task No_show_sends_we_missed_you_when_the_clinic_enables_it()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        await PutAsync(clinic, """
            "sends":[],"noShow":{"enabled":true,"hoursAfter":0,"channels":["sms"]}
            """);
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(-1));

        await clinic.PublishAsync("appointment.no_show", clinic.Closing(id, 2));
        var planned = await clinic.TimelineAsync(id, 2);
        await clinic.DispatchDueAsync();

        var missed = Assert.Single(Clinic.Sends(planned, "pending"));
        Assert.Equal("missed", missed.GetProperty("kind").GetString());
        Assert.Equal("appointment.missed", missed.GetProperty("templateKey").GetString());
        var message = await clinic.Broker.WaitForMessageAsync(composed, m => m.GetProperty("appointmentId").GetString() == id, Clinic.Patience, "the missed-you message");
        Assert.Equal("appointment.missed", message.GetProperty("templateKey").GetString());
        Assert.Equal("service", message.GetProperty("purpose").GetString());
        Assert.Equal("dispatched", Clinic.Sends(await clinic.TimelineAsync(id, 2), kind: "missed").Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task No_show_sends_nothing_by_default()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(3));

        await clinic.PublishAsync("appointment.no_show", clinic.Closing(id, 2));

        var timeline = await clinic.TimelineAsync(id, 2);
        Assert.Equal("no_show", timeline.GetProperty("status").GetString());
        Assert.Empty(Clinic.Sends(timeline, "pending"));
    }

    [Fact]
    public async Task Recall_goes_when_due_unless_the_patient_has_booked_again()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        await PutAsync(clinic, """
            "sends":[],"services":[{"code":"DENT-HYG","recall":{"afterDays":180,"channels":["sms"]}}]
            """);
        var visitedAt = DateTimeOffset.UtcNow.AddHours(-3);
        var (lapsed, loyal) = (Clinic.NewId(), Clinic.NewId());
        await clinic.BookAsync(lapsed, visitedAt);
        await clinic.BookAsync(loyal, visitedAt);
        await clinic.BookAsync(Clinic.NewId(), DateTimeOffset.UtcNow.AddDays(200), patientId: "P-" + loyal); // booked again

        // The service code may come with the completion (what was actually done), not only with the booking.
        await clinic.PublishAsync("appointment.completed", clinic.Closing(lapsed, 2, "DENT-HYG"));
        await clinic.PublishAsync("appointment.completed", clinic.Closing(loyal, 2, "DENT-HYG", "DENT-CONS"));
        var recall = Assert.Single(Clinic.Sends(await clinic.TimelineAsync(lapsed, 2), "pending"));
        Assert.Equal("recall", recall.GetProperty("kind").GetString());
        Assert.Equal(visitedAt.AddDays(180), recall.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.Single(Clinic.Sends(await clinic.TimelineAsync(loyal, 2), "pending"));
        await MakeDueAsync(clinic, lapsed, loyal); // 180 days on: the clock of the database, not a wait
        await clinic.DispatchDueAsync();

        var message = await clinic.Broker.WaitForMessageAsync(composed, m => m.GetProperty("appointmentId").GetString() == lapsed, Clinic.Patience, "the recall");
        Assert.Equal("appointment.recall", message.GetProperty("templateKey").GetString());
        var skipped = Clinic.Sends(await clinic.TimelineAsync(loyal, 2), kind: "recall").Single();
        Assert.Equal("skipped", skipped.GetProperty("status").GetString());
        Assert.StartsWith("the patient has already booked again", skipped.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Appointments_within_the_hour_go_in_one_message_and_one_answer_confirms_them_all()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        var confirmed = await clinic.Broker.BindQueueAsync("comms.events", "appointment.confirmed");
        await PutAsync(clinic, """
            "sends":[{"kind":"confirmation","hoursBefore":72,"templateKey":"appointment.confirmation","channels":["sms"]}]
            """);
        var patient = Clinic.NewId("P");
        var startsAt = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(2).Date.AddHours(7), TimeSpan.Zero); // 10:00 MSK
        var (first, second, later) = (Clinic.NewId(), Clinic.NewId(), Clinic.NewId());
        await clinic.BookAsync(second, startsAt.AddMinutes(40), patient);
        await clinic.BookAsync(first, startsAt, patient);
        await clinic.BookAsync(later, startsAt.AddHours(3), patient);

        await clinic.DispatchDueAsync();

        var messages = await Clinic.TakeComposedAsync(clinic.Broker, composed, [first, second, later], expected: 2);
        var together = Assert.Single(messages, m => m.GetProperty("model").GetProperty("appointment.time").GetString() == "10:00 и 10:40");
        Assert.Equal(first, together.GetProperty("model").GetProperty("appointment.id").GetString());
        Assert.Equal("13:00", Assert.Single(messages, m => m.GetProperty("messageId").GetGuid() != together.GetProperty("messageId").GetGuid()).GetProperty("model").GetProperty("appointment.time").GetString());
        var question = together.GetProperty("messageId").GetGuid();
        var merged = Clinic.Sends(await clinic.TimelineAsync(together.GetProperty("appointmentId").GetString() == first ? second : first, 1)).Single();
        Assert.Equal("merged", merged.GetProperty("status").GetString());
        Assert.Equal(question, merged.GetProperty("mergedInto").GetGuid());

        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), "sms", "+79161234567", "1", question, "confirmation", clinic.Id, patient,
            together.GetProperty("appointmentId").GetString(), DateTimeOffset.UtcNow));

        var answered = new HashSet<string>();
        while (answered.Count < 2)
        {
            var cloudEvent = await clinic.Broker.WaitForAsync(confirmed, _ => true, Clinic.Patience, "appointment.confirmed for both");
            answered.Add(cloudEvent.GetProperty("data").GetProperty("appointmentId").GetString()!);
        }

        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));
        Assert.Equal("confirmed", (await clinic.TimelineAsync(second, 1)).GetProperty("confirmation").GetString());
        Assert.Equal(JsonValueKind.Null, (await clinic.TimelineAsync(later, 1)).GetProperty("confirmation").ValueKind);
    }

    /// <summary>Stores the clinic's rules (the fields given, inside a window open all day, so no test depends on the hour).</summary>
    private static async Task PutAsync(Clinic clinic, string fields)
    {
        using var response = await clinic.PutRulesAsync("{" + OpenWindow + "," + fields + "}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task MakeDueAsync(Clinic clinic, params string[] appointmentIds)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        await db.ScheduledSends
            .Where(s => s.ClinicId == clinic.Id && appointmentIds.Contains(s.AppointmentId) && s.Status == SendStatuses.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DueAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
    }

}
