using System.Net;
using System.Text.Json;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Features.Rules;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Scheduling.Tests;

/// <summary>
/// Channel fallback through the real service, PostgreSQL and RabbitMQ: one channel at a time, the next only when the
/// one tried surely did not reach the patient. The gateways' side is played by publishing their status events.
/// </summary>
public sealed class ChannelFallbackTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    private const string ComposeExchange = "Comms.Contracts.Scheduling:ComposeMessage";

    [Fact]
    public async Task No_consent_on_the_first_channel_moves_the_message_to_the_next_under_its_own_id()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["whatsapp","sms"]""", """{}""");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(23));
        await clinic.DispatchDueAsync();

        var first = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1));
        var sendId = first.GetProperty("messageId").GetGuid();
        Assert.Equal(["whatsapp"], Channels(first));
        Assert.Null(NotAfter(first));

        await PublishAsync(sendId, "whatsapp", MessageStatuses.Blocked, "no consent for whatsapp/service", cause: null);
        var pending = await SendWhenAsync(clinic, id, s => s.GetProperty("status").GetString() == "pending");
        Assert.StartsWith("trying sms: whatsapp ended blocked", pending.GetProperty("statusReason").GetString());
        await clinic.DispatchDueAsync();

        var second = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1));
        Assert.Equal(["sms"], Channels(second));
        Assert.Equal(ChannelSteps.AttemptId(sendId, 1), second.GetProperty("messageId").GetGuid());
        Assert.NotEqual(sendId, second.GetProperty("messageId").GetGuid());

        await PublishAsync(ChannelSteps.AttemptId(sendId, 1), "sms", MessageStatuses.Delivered, null, cause: null);
        var delivered = await SendWhenAsync(clinic, id, s => s.GetProperty("deliveryStatus").GetString() == "delivered");
        Assert.Equal("dispatched", delivered.GetProperty("status").GetString());
        var attempts = delivered.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["whatsapp", "sms"], attempts.Select(a => a.GetProperty("channel").GetString()!));
        Assert.Equal(["blocked", "delivered"], attempts.Select(a => a.GetProperty("deliveryStatus").GetString()!));
    }

    [Fact]
    public async Task An_unknown_outcome_never_moves_on_even_with_a_deadline()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["sms","email"]""", """{"notDeliveredWithinMinutes":30}""");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(23));
        var before = DateTimeOffset.UtcNow;
        await clinic.DispatchDueAsync();

        var first = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1));
        var sendId = first.GetProperty("messageId").GetGuid();
        var notAfter = NotAfter(first)!.Value;
        Assert.InRange(notAfter, before.AddMinutes(30), DateTimeOffset.UtcNow.AddMinutes(30));

        await PublishAsync(sendId, "sms", MessageStatuses.Accepted, null, cause: null);
        await PublishAsync(sendId, "sms", MessageStatuses.FailedTemporary, "timeout after the request left", StatusCauses.OutcomeUnknown, seconds: 1);
        var settled = await SendWhenAsync(clinic, id, s => s.GetProperty("deliveryStatus").GetString() == "failed-temporary");
        await clinic.DispatchDueAsync();

        Assert.Equal("dispatched", settled.GetProperty("status").GetString());
        Assert.Empty(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 0));
        var attempt = Assert.Single(settled.GetProperty("attempts").EnumerateArray());
        Assert.Equal("outcome-unknown", attempt.GetProperty("cause").GetString());
    }

    [Fact]
    public async Task Expiry_at_the_deadline_moves_on_and_a_late_receipt_of_the_first_channel_moves_nothing()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["sms","email"]""", """{"notDeliveredWithinMinutes":15,"onFailure":false}""");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(23));
        await clinic.DispatchDueAsync();
        var sendId = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1)).GetProperty("messageId").GetGuid();

        // The carrier gave up at the lifetime the gateway asked for: the SMS can no longer arrive.
        await PublishAsync(sendId, "sms", MessageStatuses.Accepted, null, cause: null);
        await PublishAsync(sendId, "sms", MessageStatuses.Expired, "carrier: expired", cause: null, seconds: 1);
        await SendWhenAsync(clinic, id, s => s.GetProperty("status").GetString() == "pending");
        await clinic.DispatchDueAsync();
        var email = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1));
        Assert.Equal(["email"], Channels(email));
        Assert.Null(NotAfter(email)); // the last channel makes way for nothing

        // A receipt that comes late, or a repeat of the expiry, changes the first attempt's record and nothing else.
        var emailId = email.GetProperty("messageId").GetGuid();
        await PublishAsync(emailId, "email", MessageStatuses.Sent, null, cause: null, seconds: 2);
        await PublishAsync(sendId, "sms", MessageStatuses.Expired, "carrier: expired", cause: null, seconds: 1);
        await PublishAsync(sendId, "sms", MessageStatuses.Delivered, "late receipt", cause: null, seconds: 3);
        // The three statuses are consumed concurrently: wait until the email's has been applied too.
        var send = await SendWhenAsync(clinic, id, s =>
            s.GetProperty("attempts").GetArrayLength() == 2 &&
            s.GetProperty("attempts")[0].GetProperty("deliveryStatus").GetString() == "delivered" &&
            s.GetProperty("attempts")[1].GetProperty("deliveryStatus").GetString() == "sent");
        await clinic.DispatchDueAsync();

        Assert.Empty(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 0));
        Assert.Equal("sent", send.GetProperty("deliveryStatus").GetString());
        Assert.Equal("dispatched", send.GetProperty("status").GetString());
        Assert.Equal(2, send.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task A_clinic_that_does_not_fall_back_on_a_missing_contact_stops_there()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["email","sms"]""", """{"onNoContact":false}""");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(23));
        await clinic.DispatchDueAsync();
        var sendId = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1)).GetProperty("messageId").GetGuid();

        await PublishAsync(sendId, "email", MessageStatuses.FailedPermanent, "patient has no email for email", StatusCauses.NoContact);
        var send = await SendWhenAsync(clinic, id, s => s.GetProperty("deliveryStatus").GetString() == "failed-permanent");
        await clinic.DispatchDueAsync();

        Assert.Equal("dispatched", send.GetProperty("status").GetString());
        Assert.Empty(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 0));
    }

    [Fact]
    public async Task An_answer_on_one_channel_stops_the_next_one_waiting_its_turn()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["whatsapp","sms"]""", """{}""");
        var id = Clinic.NewId();
        await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddHours(23));
        await clinic.DispatchDueAsync();
        var sendId = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 1)).GetProperty("messageId").GetGuid();
        await PublishAsync(sendId, "whatsapp", MessageStatuses.FailedTemporary, "131026 undeliverable", cause: null);
        await SendWhenAsync(clinic, id, s => s.GetProperty("status").GetString() == "pending");

        // The SMS waits for the dispatcher (or the send window); the patient answers the WhatsApp message meanwhile.
        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.NewGuid(), "whatsapp", "+79161234567", "Спасибо, буду", sendId, null, clinic.Id, "P-" + id, id, DateTimeOffset.UtcNow));
        var stopped = await SendWhenAsync(clinic, id, s => s.GetProperty("status").GetString() == "suppressed");
        await clinic.DispatchDueAsync();

        Assert.Equal("the patient answered on whatsapp: sms is not needed", stopped.GetProperty("statusReason").GetString());
        Assert.Empty(await Clinic.TakeComposedAsync(clinic.Broker, composed, [id], expected: 0));
    }

    [Fact]
    public async Task A_reminder_merged_into_a_message_withdrawn_while_it_waits_for_its_next_channel_goes_on_its_own()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var composed = await clinic.Broker.BindQueueAsync(ComposeExchange, "", "fanout");
        await PutAsync(clinic, """["sms","email"]""", """{}""");
        var patient = Clinic.NewId("P");
        var (first, second) = (Clinic.NewId(), Clinic.NewId());
        var startsAt = DateTimeOffset.UtcNow.AddHours(23);
        await clinic.BookAsync(first, startsAt, patient);
        await clinic.BookAsync(second, startsAt.AddMinutes(40), patient);
        await clinic.DispatchDueAsync();
        var together = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [first, second], expected: 1));
        Assert.Equal(first, together.GetProperty("appointmentId").GetString());
        var merged = await SendWhenAsync(clinic, second, s => s.GetProperty("status").GetString() == "merged");

        // The SMS surely did not reach the patient, so the message waits for email; meanwhile the MIS cancels the first.
        var sendId = together.GetProperty("messageId").GetGuid();
        await PublishAsync(sendId, "sms", MessageStatuses.Blocked, "no consent for sms/service", cause: null);
        await SendWhenAsync(clinic, first, s => s.GetProperty("status").GetString() == "pending");
        await clinic.PublishAsync("appointment.cancelled", clinic.Closing(first, 2));
        await SendWhenAsync(clinic, first, s => s.GetProperty("status").GetString() == "suppressed");
        await clinic.DispatchDueAsync();

        // The second appointment is still booked: its reminder goes on its own, on the channel the message had not tried.
        var alone = Assert.Single(await Clinic.TakeComposedAsync(clinic.Broker, composed, [first, second], expected: 1));
        Assert.Equal(second, alone.GetProperty("appointmentId").GetString());
        Assert.Equal(["email"], Channels(alone));
        Assert.Equal(ChannelSteps.AttemptId(merged.GetProperty("messageId").GetGuid(), 1), alone.GetProperty("messageId").GetGuid());
        var send = await SendWhenAsync(clinic, second, s => s.GetProperty("status").GetString() == "dispatched");
        Assert.Equal(JsonValueKind.Null, send.GetProperty("mergedInto").ValueKind);
        Assert.StartsWith("goes on its own, on email", send.GetProperty("statusReason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_outside_a_day_is_refused_with_its_path()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        using var response = await clinic.PutRulesAsync("""
            {"sendWindow":{"start":"09:00","end":"21:00"},"sends":[{"kind":"reminder","hoursBefore":24,
             "templateKey":"appointment.reminder","channels":["sms","email"],"fallback":{"notDeliveredWithinMinutes":0}}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sends[0].fallback.notDeliveredWithinMinutes", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("blocked", null, true)]
    [InlineData("failed-permanent", null, true)]
    [InlineData("failed-temporary", null, true)]
    [InlineData("expired", null, true)]
    [InlineData("failed-temporary", "outcome-unknown", false)]
    [InlineData("failed-permanent", "no-contact", true)]
    [InlineData("failed-permanent", "no-template", true)]
    [InlineData("expired", "deadline", true)]
    [InlineData("queued", null, false)]
    [InlineData("accepted", null, false)]
    [InlineData("sent", null, false)]
    [InlineData("delivered", null, false)]
    public void The_default_fallback_moves_on_only_when_the_channel_surely_did_not_reach_the_patient(string status, string? cause, bool movesOn) =>
        Assert.Equal(movesOn, new ChannelFallback().MovesOn(status, cause));

    [Fact]
    public void Each_condition_can_be_turned_off_but_an_unknown_outcome_never_moves_on()
    {
        var strict = new ChannelFallback { OnNoContact = false, OnNoConsent = false, OnFailure = false };
        Assert.False(strict.MovesOn("failed-permanent", "no-contact"));
        Assert.False(strict.MovesOn("blocked", null));
        Assert.False(strict.MovesOn("failed-permanent", null));
        Assert.False(strict.MovesOn("expired", null));
        Assert.True(strict.MovesOn("failed-permanent", "no-template"));

        var timed = new ChannelFallback { OnFailure = false, NotDeliveredWithinMinutes = 10 };
        Assert.True(timed.MovesOn("expired", "deadline"));
        Assert.True(timed.MovesOn("expired", null));
        Assert.False(timed.MovesOn("failed-temporary", "outcome-unknown"));
        Assert.False(new ChannelFallback { NotDeliveredWithinMinutes = 10 }.MovesOn("failed-temporary", "outcome-unknown"));
    }

    [Fact]
    public void Attempt_ids_are_stable_per_step_and_distinct_between_steps()
    {
        var send = Guid.CreateVersion7();
        Assert.Equal(send, ChannelSteps.AttemptId(send, 0));
        Assert.Equal(ChannelSteps.AttemptId(send, 1), ChannelSteps.AttemptId(send, 1));
        Assert.Equal(3, new[] { send, ChannelSteps.AttemptId(send, 1), ChannelSteps.AttemptId(send, 2) }.Distinct().Count());
        Assert.NotEqual(ChannelSteps.AttemptId(send, 1), ChannelSteps.AttemptId(Guid.CreateVersion7(), 1));
        Assert.Equal(5, ChannelSteps.AttemptId(send, 1).Version);
    }

    private static DateTimeOffset? NotAfter(JsonElement composed) =>
        composed.TryGetProperty("notAfter", out var value) && value.ValueKind != JsonValueKind.Null ? value.GetDateTimeOffset() : null;

    private static string[] Channels(JsonElement composed) => [.. composed.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!)];

    private static async Task PutAsync(Clinic clinic, string channels, string fallback)
    {
        using var response = await clinic.PutRulesAsync($$"""
            {"sendWindow":{"start":"00:00","end":"00:00"},"sends":[{"kind":"reminder","hoursBefore":24,
             "templateKey":"appointment.reminder","channels":{{channels}},"fallback":{{fallback}}}]}
            """);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task PublishAsync(Guid messageId, string channel, string status, string? reason, string? cause, int seconds = 0) =>
        await app.Services.GetRequiredService<IBus>().Publish(new MessageStatusChanged(
            messageId, "clinic", null, null, channel, status, reason, "provider", DateTimeOffset.UtcNow.AddSeconds(seconds), Cause: cause));

    /// <summary>The appointment's only send once it satisfies <paramref name="condition"/>.</summary>
    private static async Task<JsonElement> SendWhenAsync(Clinic clinic, string id, Func<JsonElement, bool> condition) =>
        await Eventually.GetAsync<JsonElement>(async () =>
        {
            var send = Clinic.Sends(await clinic.TimelineAsync(id, 1)).Single();
            return condition(send) ? send : null;
        }, Clinic.Patience, $"the send of {id} to reach the expected state");
}
