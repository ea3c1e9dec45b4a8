using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Inbox.Features.Conversations;
using Comms.ServiceDefaults.Messaging;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Inbox.Tests;

/// <summary>
/// The front desk's inbox through its API, with the real broker and database: a patient's words filed under their
/// conversation and waiting, what Comms sent them beside it, a reply through the pipeline on the channel they wrote on,
/// the refusals (no consent, «СТОП», empty, too long, another clinic's), the reschedule hint passed to the MIS, the
/// live feed of the page. Each test has patients of its own.
/// </summary>
[Collection(InboxCollection.Name)]
public sealed class InboxTests(InboxApp app)
{
    private const string ComposeExchange = "Comms.Contracts.Scheduling:ComposeMessage";

    [Fact]
    public async Task A_patients_question_waits_beside_what_was_sent_them_and_a_reply_goes_on_the_channel_they_wrote_on()
    {
        var patient = NewPatient();
        using var desk = await app.SignInAsync(InboxApp.Reception);
        await app.ConsentAsync("msk-1", patient, "sms", granted: true);
        await app.ConsentAsync("msk-1", patient, "max", granted: true);
        var sent = Guid.CreateVersion7();
        var before = app.Received.Finished(InboxApp.SentQueue);
        await app.Services.GetRequiredService<IBus>().Publish(new SendMax(sent, "msk-1", patient, "A-1", InboxApp.Contact(patient, "max"),
            "Анна, напоминаем о приёме 25.11.2026 в 10:30.", "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow.AddMinutes(-5)));
        await app.Services.GetRequiredService<IBus>().Publish(new MessageStatusChanged(sent, "msk-1", patient, "A-1", "max", "delivered", null, "max", DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(InboxApp.SentQueue) >= before + 2), InboxApp.Patience, "the reminder and its status filed");
        await app.WritesAsync("msk-1", patient, "1", channel: "sms", expectedReply: "confirmation");
        var question = await app.WritesAsync("msk-1", patient, "Где вы находитесь?", channel: "max", appointmentId: "A-1");

        var listed = await ConversationOfAsync(desk, patient);
        Assert.True(listed.GetProperty("waitingSince").ValueKind == JsonValueKind.String, listed.ToString());
        Assert.Equal(question.ReceivedAt, listed.GetProperty("waitingSince").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        var id = listed.GetProperty("id").GetGuid();
        var thread = await GetAsync(desk, $"/api/v1/inbox/conversations/{id}");
        var entries = thread.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["out:appointment.reminder:delivered", "in:patient:", "in:patient:"],
            entries.Select(e => $"{e.GetProperty("direction").GetString()}:{e.GetProperty("kind").GetString()}:{e.GetProperty("status").GetString()}"));
        Assert.Equal((true, false), (entries[1].GetProperty("automatic").GetBoolean(), entries[2].GetProperty("automatic").GetBoolean()));

        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var composed = await broker.BindQueueAsync(ComposeExchange, "", "fanout");
        using var reply = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = "Ул. Ленина, 5, вход со двора." });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var messageId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("messageId").GetGuid();
        var message = await broker.WaitForMessageAsync(composed, m => m.GetProperty("messageId").GetGuid() == messageId, InboxApp.Patience, "the reply's ComposeMessage");
        Assert.Equal(("inbox.reply", "service", "max", "Ул. Ленина, 5, вход со двора."), (message.GetProperty("templateKey").GetString(), message.GetProperty("purpose").GetString(),
            message.GetProperty("channels")[0].GetString(), message.GetProperty("model").GetProperty("reply.text").GetString()));
        Assert.Equal(InboxApp.Contact(patient, "max"), message.GetProperty("recipient").GetProperty("messengerId").GetString());

        thread = await GetAsync(desk, $"/api/v1/inbox/conversations/{id}");
        Assert.Equal(JsonValueKind.Null, thread.GetProperty("waitingSince").ValueKind);
        var answer = thread.GetProperty("entries").EnumerateArray().Last();
        Assert.Equal(("out", "staff", InboxApp.Reception, "queued"), (answer.GetProperty("direction").GetString(), answer.GetProperty("kind").GetString(),
            answer.GetProperty("author").GetString(), answer.GetProperty("status").GetString()));
        Assert.Equal(InboxApp.Reception, thread.GetProperty("assignedTo").GetString());
        var actions = thread.GetProperty("audit").EnumerateArray().Select(a => $"{a.GetProperty("actor").GetString()}:{a.GetProperty("action").GetString()}").ToList();
        Assert.Equal(2, actions.Count(a => a == $"{InboxApp.Reception}:opened"));
        Assert.Contains($"{InboxApp.Reception}:replied", actions);
    }

    [Fact]
    public async Task A_reply_is_refused_with_its_reason_and_changes_nothing_when_it_cannot_go()
    {
        var patient = NewPatient();
        using var desk = await app.SignInAsync(InboxApp.Reception);
        await app.ConsentAsync("msk-1", patient, "sms", granted: true);
        await app.ConsentAsync("msk-1", patient, "sms", granted: false, method: "reply");
        await app.WritesAsync("msk-1", patient, "Подскажите, сколько стоит приём?");
        var id = (await ConversationOfAsync(desk, patient)).GetProperty("id").GetGuid();

        using var stopped = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = "1500 ₽" });
        using var empty = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = "  " });
        using var longer = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = new string('а', 1001) });
        using var unknown = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{Guid.NewGuid()}/replies", new { text = "Добрый день" });

        Assert.Equal(HttpStatusCode.Conflict, stopped.StatusCode);
        var problem = await stopped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("СТОП", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("channel", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.True((await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("text", out _));
        Assert.Equal(HttpStatusCode.BadRequest, longer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var thread = await GetAsync(desk, $"/api/v1/inbox/conversations/{id}");
        Assert.All(thread.GetProperty("entries").EnumerateArray(), e => Assert.Equal("in", e.GetProperty("direction").GetString()));
        Assert.Equal(JsonValueKind.String, thread.GetProperty("waitingSince").ValueKind);
    }

    [Fact]
    public async Task Staff_of_another_clinic_do_not_see_the_conversation_and_a_marketer_does_not_sign_in()
    {
        var patient = NewPatient();
        await app.WritesAsync("msk-1", patient, "Можно ли прийти с ребёнком?");
        using var reception = await app.SignInAsync(InboxApp.Reception);
        var id = (await ConversationOfAsync(reception, patient)).GetProperty("id").GetGuid();
        using var other = await app.SignInAsync(InboxApp.OtherClinicReception);

        using var thread = await other.GetAsync($"/api/v1/inbox/conversations/{id}");
        using var reply = await other.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = "Да" });
        using var page = await other.GetAsync($"/inbox/{id}");
        var list = await GetAsync(other, "/api/v1/inbox/conversations");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (thread.StatusCode, reply.StatusCode, page.StatusCode));
        Assert.DoesNotContain(list.EnumerateArray(), c => c.GetProperty("patientId").GetString() == patient);
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.SignInAsync(InboxApp.Marketer));
        using var anonymous = app.Client();
        using var denied = await anonymous.GetAsync("/api/v1/inbox/conversations");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    [Fact]
    public async Task A_request_to_move_the_visit_is_flagged_and_passed_to_the_mis_only_when_the_desk_says_so()
    {
        var patient = NewPatient();
        using var desk = await app.SignInAsync(InboxApp.Reception);
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var requests = await broker.BindQueueAsync("comms.events", InboxDesk.RescheduleRequested);
        var words = await app.WritesAsync("msk-1", patient, "Можно перенести на пятницу?", appointmentId: "A-77");
        await app.WritesAsync("msk-1", patient, "Спасибо", channel: "sms");

        var listed = await ConversationOfAsync(desk, patient);
        Assert.True(listed.GetProperty("rescheduleHint").GetBoolean());
        var id = listed.GetProperty("id").GetGuid();
        var entries = (await GetAsync(desk, $"/api/v1/inbox/conversations/{id}")).GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([true, false], entries.Select(e => e.GetProperty("rescheduleHint").GetBoolean()));
        Assert.Empty(await broker.DrainAsync(requests));

        using var passed = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/reschedule-requests", new { entryId = words.ReplyId });
        Assert.Equal(HttpStatusCode.NoContent, passed.StatusCode);
        var request = await broker.WaitForAsync(requests, e => e.GetProperty("data").GetProperty("patientId").GetString() == patient, InboxApp.Patience, "appointment.reschedule_requested");
        Assert.Equal(("A-77", "Можно перенести на пятницу?", InboxApp.Reception), (request.GetProperty("data").GetProperty("appointmentId").GetString(),
            request.GetProperty("data").GetProperty("text").GetString(), request.GetProperty("data").GetProperty("requestedBy").GetString()));
    }

    [Fact]
    public async Task The_open_page_hears_of_a_new_message_of_its_clinics_within_moments_and_not_of_others()
    {
        var patient = NewPatient();
        var elsewhere = NewPatient();
        using var other = await app.SignInAsync(InboxApp.OtherClinicReception);
        using var stream = await other.GetAsync("/inbox/live", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal(": ok", await reader.ReadLineAsync());

        await app.WritesAsync("msk-1", elsewhere, "Не для этой клиники");
        await app.WritesAsync("spb-9", patient, "Вы работаете в субботу?");
        using var reception = await app.SignInAsync(InboxApp.OtherClinicReception);
        var id = (await ConversationOfAsync(reception, patient)).GetProperty("id").GetGuid();

        using var timeout = new CancellationTokenSource(InboxApp.Patience);
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));

        Assert.Equal($"data: {id}", line);
    }

    [Fact]
    public async Task The_thread_shows_who_the_patient_is_and_their_next_visit_with_its_confirmation()
    {
        var patient = NewPatient();
        var appointment = "A-" + Guid.NewGuid().ToString("N")[..8];
        var startsAt = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(3).UtcDateTime.Date.AddHours(7).AddMinutes(30), TimeSpan.Zero);
        await using var mis = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var before = app.Received.Finished(InboxApp.MisQueue);
        await mis.PublishAsync("mis.events", "appointment.booked", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "b-" + appointment, source = "mis/test", type = "appointment.booked",
            data = new
            {
                appointmentId = appointment, version = 1, startsAt,
                clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" },
                patient = new { patientId = patient, lastName = "Иванова", firstName = "Анна", phone = "+7 916 555-01-02" },
            },
        }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(InboxApp.MisQueue) > before), InboxApp.Patience, "the booking taken");
        before = app.Received.Finished(InboxApp.AnswersQueue);
        await mis.PublishAsync("comms.events", "appointment.confirmed", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "comms/scheduling", type = "appointment.confirmed",
            data = new { appointmentId = appointment, clinicId = "msk-1", patientId = patient, version = 1, messageId = Guid.NewGuid(), channel = "sms", reply = "1", answeredAt = DateTimeOffset.UtcNow },
        }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(InboxApp.AnswersQueue) > before), InboxApp.Patience, "the answer taken");
        await app.WritesAsync("msk-1", patient, "А парковка у вас есть?");
        using var desk = await app.SignInAsync(InboxApp.Reception);

        var listed = await ConversationOfAsync(desk, patient);
        var thread = await GetAsync(desk, $"/api/v1/inbox/conversations/{listed.GetProperty("id").GetGuid()}");
        using var page = await desk.GetAsync($"/inbox/{listed.GetProperty("id").GetGuid()}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("Иванова Анна", listed.GetProperty("patientName").GetString());
        Assert.Equal(("Анна", "+79165550102"), (thread.GetProperty("patient").GetProperty("firstName").GetString(), thread.GetProperty("patient").GetProperty("phone").GetString()));
        Assert.Equal((appointment, "confirmed"), (thread.GetProperty("nextAppointment").GetProperty("appointmentId").GetString(), thread.GetProperty("nextAppointment").GetProperty("confirmation").GetString()));
        Assert.Equal(startsAt, thread.GetProperty("nextAppointment").GetProperty("startsAt").GetDateTimeOffset());
        Assert.Contains($"Ближайший приём: {startsAt.ToOffset(TimeSpan.FromHours(3)):dd.MM.yyyy} 10:30 — подтверждён", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_desk_is_told_by_email_once_a_conversation_starts_to_wait_without_a_word_of_the_patients()
    {
        var patient = NewPatient();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var emails = await broker.BindQueueAsync("Comms.Contracts.Templating:SendEmail", "", "fanout");
        await app.ConsentAsync("spb-9", patient, "sms", granted: true);
        var first = await app.WritesAsync("spb-9", patient, "У меня болит зуб, можно сегодня?");
        await app.WritesAsync("spb-9", patient, "Очень нужно");
        using var desk = await app.SignInAsync(InboxApp.OtherClinicReception);
        var id = (await ConversationOfAsync(desk, patient)).GetProperty("id").GetGuid();

        var told = await broker.WaitForMessageAsync(emails, m => m.GetProperty("email").GetString() == InboxApp.DeskEmail, InboxApp.Patience, "the desk's email");
        Assert.Equal(MessageIds.Derived(first.ReplyId, $"staff|{InboxApp.DeskEmail}"), told.GetProperty("messageId").GetGuid());
        Assert.Contains($"https://inbox.clinic.example/inbox/{id}", told.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("зуб", told.GetProperty("text").GetString() + told.GetProperty("html").GetString() + told.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(("service", "inbox.staff-notification"), (told.GetProperty("purpose").GetString(), told.GetProperty("templateKey").GetString()));

        // Answered, the next message makes it wait again: told again (each email its own id).
        using var reply = await desk.PostAsJsonAsync($"/api/v1/inbox/conversations/{id}/replies", new { text = "Приходите к 18:00." });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var again = await app.WritesAsync("spb-9", patient, "Спасибо, приду");
        // The next email the desk gets is for the message after the answer: none came for "Очень нужно", which found it waiting.
        var second = await broker.WaitForMessageAsync(emails, m => m.GetProperty("email").GetString() == InboxApp.DeskEmail, InboxApp.Patience, "the desk's second email");
        Assert.Equal(MessageIds.Derived(again.ReplyId, $"staff|{InboxApp.DeskEmail}"), second.GetProperty("messageId").GetGuid());
    }

    private static string NewPatient() => "P-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<JsonElement> ConversationOfAsync(HttpClient desk, string patient) =>
        (await GetAsync(desk, "/api/v1/inbox/conversations")).EnumerateArray().Single(c => c.GetProperty("patientId").GetString() == patient);

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
