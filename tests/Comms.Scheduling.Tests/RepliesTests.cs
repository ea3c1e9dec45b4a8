using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Scheduling.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Scheduling.Tests;

public sealed class RepliesTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Yes_confirms_for_the_mis_and_stops_further_confirmation_requests_but_not_reminders()
    {
        var (id, question) = await BookAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var confirmed = await broker.BindQueueAsync("comms.events", "appointment.confirmed");

        await ReplyAsync(id, question, "Да!");

        var cloudEvent = await broker.WaitForAsync(confirmed, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == id, Patience, "appointment.confirmed");
        Assert.Equal("comms/scheduling", cloudEvent.GetProperty("source").GetString());
        Assert.Equal("Да!", cloudEvent.GetProperty("data").GetProperty("reply").GetString());
        Assert.Equal(question.ToString(), cloudEvent.GetProperty("data").GetProperty("messageId").GetString());
        var appointment = await AppointmentAsync(id);
        Assert.Equal("confirmed", appointment.GetProperty("confirmation").GetString());
        var sends = appointment.GetProperty("sends").EnumerateArray().ToList();
        Assert.Equal("confirmed", sends.Single(s => s.GetProperty("messageId").GetGuid() == question).GetProperty("answer").GetString());
        Assert.Equal("suppressed", sends.Single(s => s.GetProperty("kind").GetString() == "confirmation").GetProperty("status").GetString());
        Assert.All(sends.Where(s => s.GetProperty("kind").GetString() == "reminder"), s => Assert.Equal("pending", s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Two_asks_the_mis_to_cancel()
    {
        var (id, question) = await BookAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var requested = await broker.BindQueueAsync("comms.events", "appointment.cancellation_requested");

        await ReplyAsync(id, question, "2");

        await broker.WaitForAsync(requested, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == id, Patience, "appointment.cancellation_requested");
        Assert.Equal("cancellation_requested", (await AppointmentAsync(id)).GetProperty("confirmation").GetString());
    }

    [Fact]
    public async Task Anything_else_goes_to_the_clinic_as_the_patients_message_and_decides_nothing()
    {
        var (id, question) = await BookAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var messages = await broker.BindQueueAsync("comms.events", "patient.message_received");

        await ReplyAsync(id, question, "Можно перенести на пятницу?");

        var cloudEvent = await broker.WaitForAsync(messages, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == id, Patience, "patient.message_received");
        Assert.Equal("Можно перенести на пятницу?", cloudEvent.GetProperty("data").GetProperty("text").GetString());
        var appointment = await AppointmentAsync(id);
        Assert.Equal(JsonValueKind.Null, appointment.GetProperty("confirmation").ValueKind);
        Assert.Equal("pending", appointment.GetProperty("sends").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "confirmation").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_answer_to_a_feedback_question_or_a_slot_offer_is_left_to_its_service()
    {
        var (id, question) = await BookAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var messages = await broker.BindQueueAsync("comms.events", "patient.message_received");
        var finished = app.Received.Finished("scheduling-patient-replied");

        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), "sms", "+79161234567", "5", Guid.CreateVersion7(), "rating", "msk-1", "P-" + id, id, DateTimeOffset.UtcNow));
        // Audience's waitlist weighs a «1» to its offer (and forwards what is no answer): not a confirmation, not a message.
        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), "sms", "+79161234567", "1", Guid.CreateVersion7(), "waitlist", "msk-1", "P-" + id, id, DateTimeOffset.UtcNow));
        await ReplyAsync(id, question, "Можно перенести?");
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished("scheduling-patient-replied") >= finished + 3), Patience, "the three replies consumed");
        await Eventually.TrueAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return !await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().OutboxMessages.AnyAsync();
        }, Patience, "everything the replies caused relayed");

        var received = (await broker.DrainAsync(messages))
            .Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("data"))
            .Where(d => d.GetProperty("appointmentId").GetString() == id)
            .Select(d => d.GetProperty("text").GetString())
            .ToList();
        Assert.Equal(["Можно перенести?"], received);
        Assert.Equal("pending", (await AppointmentAsync(id)).GetProperty("sends").EnumerateArray()
            .Single(s => s.GetProperty("kind").GetString() == "confirmation").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_yes_saved_just_after_the_mis_cancelled_the_appointment_confirms_nothing_and_goes_to_the_clinic()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var confirmed = await clinic.Broker.BindQueueAsync("comms.events", "appointment.confirmed");
        var messages = await clinic.Broker.BindQueueAsync("comms.events", "patient.message_received");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(2));
        await clinic.DispatchDueAsync();
        var question = Clinic.Sends(await clinic.TimelineAsync(id, 1), status: "dispatched", kind: "confirmation").Single().GetProperty("messageId").GetGuid();

        // The answer has read the appointment as booked and is about to save it confirmed when the cancellation commits.
        var answer = app.Saves.Hold(db => db.ChangeTracker.Entries<Appointment>()
            .Any(e => e.Entity.AppointmentId == id && e.Property(a => a.Confirmation).IsModified));
        var handled = app.Received.Finished("scheduling-patient-replied");
        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), "sms", "+79161234567", "1", question, "confirmation", clinic.Id, "P-" + id, id, DateTimeOffset.UtcNow));
        await answer.ReachedAsync();
        await clinic.PublishAsync("appointment.cancelled", clinic.Closing(id, version: 2));
        await clinic.TimelineAsync(id, version: 2);
        answer.Release();

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished("scheduling-patient-replied") > handled), Patience, "the answer handled");
        var timeline = await clinic.TimelineAsync(id, version: 2);
        Assert.Equal("cancelled", timeline.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, timeline.GetProperty("confirmation").ValueKind);
        var forwarded = await clinic.Broker.WaitForAsync(messages, e => e.GetProperty("data").GetProperty("appointmentId").GetString() == id, Patience, "the answer handed to the clinic");
        Assert.Equal("1", forwarded.GetProperty("data").GetProperty("text").GetString());
        await Eventually.TrueAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return !await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().OutboxMessages.AnyAsync();
        }, Patience, "everything the answer caused relayed");
        Assert.DoesNotContain(await clinic.Broker.DrainAsync(confirmed),
            m => JsonDocument.Parse(m.Body).RootElement.GetProperty("data").GetProperty("appointmentId").GetString() == id);
    }

    private async Task<(string Id, Guid Question)> BookAsync()
    {
        var id = "A-" + Guid.NewGuid().ToString("N")[..10];
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "b-" + id, source = "mis/test", type = "appointment.booked",
            data = new
            {
                appointmentId = id, version = 1,
                startsAt = DateTimeOffset.UtcNow.AddDays(5).ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" },
                patient = new { patientId = "P-" + id, firstName = "Анна", phone = "+7 916 123-45-67" },
            },
        });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/mis/events") { Content = new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json") };
        request.Headers.Add("X-Api-Key", SchedulingApp.ApiKey);
        (await client.SendAsync(request)).EnsureSuccessStatusCode();
        var appointment = await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await client.GetAsync($"/api/v1/clinics/msk-1/appointments/{id}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }, Patience, $"appointment {id}");
        return (id, appointment.GetProperty("sends").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "confirmation").GetProperty("messageId").GetGuid());
    }

    private async Task ReplyAsync(string appointmentId, Guid question, string text) =>
        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), "sms", "+79161234567", text, question, "confirmation", "msk-1", "P-" + appointmentId, appointmentId, DateTimeOffset.UtcNow));

    private async Task<JsonElement> AppointmentAsync(string id)
    {
        using var client = app.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/clinics/msk-1/appointments/{id}");
    }
}
