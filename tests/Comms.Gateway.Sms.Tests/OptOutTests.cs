using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

/// <summary>A patient's own refusal, at the gateway that receives it: effective at once, before the ledger hears of it.</summary>
public sealed class OptOutTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    private const string ConsentQueue = "gateway-sms-consent-changed";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;

    [Fact]
    public async Task Stop_reply_revokes_at_once_reaches_the_ledger_and_blocks_the_next_reminder()
    {
        var phone = SendingTests.NewPhone();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        await GrantAsync(phone, "service");
        await GrantAsync(phone, "marketing");

        using var callback = await app.PostCallbackAsync($"sms_income\n{phone.TrimStart('+')}\n79000000000\n1795424400\nСтоп!");
        Assert.Equal("100", await callback.Content.ReadAsStringAsync());

        // Effective before anything was published or consumed: the projection is already revoked.
        var states = await ConsentsAsync(phone);
        Assert.All(states, s => Assert.False(s.GetProperty("granted").GetBoolean()));
        Assert.Equal(["marketing", "service"], states.Select(s => s.GetProperty("purpose").GetString()).Order());

        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == phone, Patience, "OptOutReceived");
        Assert.Equal("reply", optOut.GetProperty("method").GetString());
        Assert.Equal("Стоп!", optOut.GetProperty("evidence").GetString());
        Assert.Equal(phone, optOut.GetProperty("contact").GetString());

        var next = await SendAsync(phone, "service", "blocked");
        Assert.StartsWith("the patient opted out of sms/service (reply", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // An opt-out is not an answer: no PatientReplied for this phone.
        while (await broker.GetAsync(replies) is { } reply)
        {
            Assert.NotEqual(phone, JsonDocument.Parse(reply.Body).RootElement.GetProperty("message").GetProperty("contact").GetString());
        }
    }

    [Fact]
    public async Task Grant_captured_before_the_opt_out_cannot_reopen_the_channel_but_one_the_ledger_accepted_over_it_can()
    {
        var phone = SendingTests.NewPhone();
        var grantedAt = DateTimeOffset.UtcNow.AddDays(-30);
        await GrantAsync(phone, "service", capturedAt: grantedAt);
        var stoppedAt = await StopAsync(phone);

        // The MIS re-sends its old checkbox (a newer ledger sequence, but captured before the patient's refusal).
        await ConsumedAsync(Announcement(phone, Interlocked.Increment(ref _sequence), true, "mis_checkbox", grantedAt));
        Assert.StartsWith("the patient opted out", (await SendAsync(phone, "service", "blocked")).GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The ledger records the «СТОП», then a new signed form its re-grant rule accepts over it: that reopens the channel.
        await ConsumedAsync(Announcement(phone, Interlocked.Increment(ref _sequence), false, "reply", stoppedAt));
        var renewed = Interlocked.Increment(ref _sequence);
        await ConsumedAsync(Announcement(phone, renewed, true, "paper_form", stoppedAt.AddMinutes(5), acceptedOverOptOutAt: stoppedAt));
        await WaitForSequenceAsync(phone, renewed);
        await SendAsync(phone, "service", "accepted");

        // The opt-out is lifted for good: the clinic's own revocation after that is a revocation, not the patient's refusal.
        await ConsumedAsync(Announcement(phone, Interlocked.Increment(ref _sequence), false, "mis_checkbox", stoppedAt.AddMinutes(10)));
        Assert.StartsWith("consent for sms/service revoked", (await SendAsync(phone, "service", "blocked")).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_grant_the_ledger_accepted_before_it_heard_of_the_stop_does_not_reopen_the_channel()
    {
        var phone = SendingTests.NewPhone();
        await GrantAsync(phone, "service");
        var stoppedAt = await StopAsync(phone);

        // The MIS re-saves the card after the «СТОП»: the ledger, not having recorded the opt-out yet (it is stuck on
        // the way), finds no opt-out before the checkbox and announces it granted.
        await ConsumedAsync(Announcement(phone, Interlocked.Increment(ref _sequence), true, "mis_checkbox", stoppedAt.AddMinutes(5)));
        Assert.StartsWith("the patient opted out", (await SendAsync(phone, "service", "blocked")).GetProperty("reason").GetString(), StringComparison.Ordinal);

        // A grant accepted over an earlier opt-out of the patient's is no answer to this one either.
        await ConsumedAsync(Announcement(phone, Interlocked.Increment(ref _sequence), true, "paper_form", stoppedAt.AddMinutes(6),
            acceptedOverOptOutAt: stoppedAt.AddDays(-1)));
        Assert.StartsWith("the patient opted out", (await SendAsync(phone, "service", "blocked")).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/requests"))!,
            r => r.GetProperty("fields").GetProperty("to").GetString() == phone.TrimStart('+'));
    }

    [Fact]
    public async Task Carrier_stop_list_answer_is_an_opt_out_and_blocks_what_follows()
    {
        var phone = SendingTests.NewPhone();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        await GrantAsync(phone, "service");
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "smsru", to = phone, sendStatusCode = 215, times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var failed = await SendAsync(phone, "service", "failed-permanent");

        Assert.Contains("SMS.ru 215", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == phone, Patience, "OptOutReceived");
        Assert.Equal("carrier_stop_list", optOut.GetProperty("method").GetString());
        await SendAsync(phone, "service", "blocked");
        Assert.Single((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/requests"))!,
            r => r.GetProperty("fields").GetProperty("to").GetString() == phone.TrimStart('+'));
    }

    private async Task<JsonElement> SendAsync(string phone, string purpose, string status)
    {
        var command = new SendSms(Guid.CreateVersion7(), "msk-1", "P-1", "A-1", phone, "Напоминаем о приёме.", purpose,
            "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await app.Services.GetRequiredService<IBus>().Publish(command);
        return await new SendingTests(app).WaitForStatusAsync(command.MessageId, status);
    }

    private async Task GrantAsync(string phone, string purpose, DateTimeOffset? capturedAt = null)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        await PublishConsentAsync(phone, purpose, true, sequence, capturedAt ?? DateTimeOffset.UtcNow);
        await WaitForSequenceAsync(phone, sequence);
    }

    private async Task PublishConsentAsync(string phone, string purpose, bool granted, long sequence, DateTimeOffset capturedAt) =>
        await app.Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, "msk-1", "P-1", phone, "sms", purpose, granted, "paper_form", capturedAt, DateTimeOffset.UtcNow));

    private static ConsentChanged Announcement(
        string phone, long sequence, bool granted, string method, DateTimeOffset capturedAt, DateTimeOffset? acceptedOverOptOutAt = null) =>
        new(sequence, "msk-1", "P-1", phone, "sms", "service", granted, method, capturedAt, DateTimeOffset.UtcNow, acceptedOverOptOutAt);

    /// <summary>Publishes what the ledger would and waits until the gateway's consumer is done with it (applied or not).</summary>
    private async Task ConsumedAsync(ConsentChanged change)
    {
        var finished = app.Received.Finished(ConsentQueue);
        await app.Services.GetRequiredService<IBus>().Publish(change);
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ConsentQueue) > finished), Patience, $"consent sequence {change.Sequence} consumed");
    }

    /// <summary>The patient's «СТОП» through the provider's callback; returns when the gateway stamped it (the opt-out's time).</summary>
    private async Task<DateTimeOffset> StopAsync(string phone)
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        using (await app.PostCallbackAsync($"sms_income\n{phone.TrimStart('+')}\n79000000000\n1795424400\nSTOP"))
        {
        }

        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == phone, Patience, "OptOutReceived");
        return optOut.GetProperty("receivedAt").GetDateTimeOffset();
    }

    private async Task WaitForSequenceAsync(string phone, long sequence) =>
        await Eventually.TrueAsync(async () => (await ConsentsAsync(phone)).Any(s => s.GetProperty("sequence").GetInt64() == sequence),
            Patience, $"consent sequence {sequence}");

    private async Task<JsonElement[]> ConsentsAsync(string phone)
    {
        using var client = app.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!;
    }
}
