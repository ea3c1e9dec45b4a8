using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Consent.Tests;

public sealed class MisConsentEventTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    private const string ErrorQueue = "consent-mis-events_error";

    [Fact]
    public async Task Consent_event_from_the_mis_is_recorded_and_announced_with_its_sequence()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+7 916 123-45-67"));

        var ledger = await Ledger.WaitForHistoryAsync(app, "8 (916) 123-45-67", 1);
        Assert.Equal("+79161234567", ledger.GetProperty("contact").GetString());
        var current = Assert.Single(ledger.GetProperty("current").EnumerateArray());
        Assert.True(current.GetProperty("granted").GetBoolean());
        Assert.Equal("sms", current.GetProperty("channel").GetString());
        Assert.Equal("service", current.GetProperty("purpose").GetString());
        Assert.Equal("paper_form", current.GetProperty("method").GetString());
        Assert.StartsWith("Согласие на SMS", current.GetProperty("documentRef").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T05:55:00Z"), current.GetProperty("capturedAt").GetDateTimeOffset());
        var record = Assert.Single(ledger.GetProperty("history").EnumerateArray());
        Assert.Equal("mis:mis/clinic-msk-1", record.GetProperty("source").GetString());
        Assert.Equal("mis-user:reception-2", record.GetProperty("capturedBy").GetString());

        var changed = await Ledger.NextConsentChangedAsync(probe, announced, "+79161234567");
        Assert.Equal(record.GetProperty("sequence").GetInt64(), changed.GetProperty("sequence").GetInt64());
        Assert.Equal(current.GetProperty("sequence").GetInt64(), changed.GetProperty("sequence").GetInt64());
        Assert.True(changed.GetProperty("granted").GetBoolean());
        Assert.Equal("msk-1", changed.GetProperty("clinicId").GetString());
        Assert.Equal("P-77", changed.GetProperty("patientId").GetString());
        Assert.Equal("sms", changed.GetProperty("channel").GetString());
        Assert.Equal("service", changed.GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task The_same_event_published_twice_is_recorded_and_announced_once()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        var finishedBefore = app.Received.Finished(ConsentApp.MisQueue);
        var body = MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+79035551122");

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, body);
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, body);

        await Eventually.TrueAsync(
            () => Task.FromResult(app.Received.Finished(ConsentApp.MisQueue) >= finishedBefore + 2),
            TimeSpan.FromSeconds(30), "both copies to be consumed");
        await Eventually.TrueAsync(() => Ledger.OutboxIsEmptyAsync(app), TimeSpan.FromSeconds(30), "the outbox to be relayed");
        var ledger = await Ledger.WaitForHistoryAsync(app, "+79035551122", 1);
        Assert.Single(ledger.GetProperty("history").EnumerateArray());
        await Ledger.NextConsentChangedAsync(probe, announced, "+79035551122");
        Assert.Empty(await Ledger.DrainConsentChangedAsync(probe, announced, "+79035551122"));
    }

    [Fact]
    public async Task Invalid_event_goes_to_the_error_queue_with_the_reason_and_does_not_block_the_queue()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var invalid = MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+79037770011", channel: "fax");

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, invalid);
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+79037770022"));

        await Ledger.WaitForHistoryAsync(app, "+79037770022", 1);
        await Eventually.TrueAsync(() => QueueExistsAsync(ErrorQueue), TimeSpan.FromSeconds(30), $"{ErrorQueue} to be declared");
        var dead = await Eventually.GetAsync(() => probe.GetAsync(ErrorQueue), TimeSpan.FromSeconds(30), $"the invalid event in {ErrorQueue}");
        Assert.Equal(invalid, dead.Body);
        Assert.Contains("data.channel", dead.Header("MT-Fault-Message"));
        Assert.Contains("must be one of sms, whatsapp, email, max", dead.Header("MT-Fault-Message"));
        Assert.Empty((await Ledger.GetAsync(app, "+79037770011")).GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task A_consent_for_sms_given_for_an_email_address_is_rejected()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var mismatched = MisEvents.ConsentChanged(MisEvents.NewEventId(), email: "mismatch@example.ru", channel: "sms");

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, mismatched);

        await Eventually.TrueAsync(() => QueueExistsAsync(ErrorQueue), TimeSpan.FromSeconds(30), $"{ErrorQueue} to be declared");
        var dead = await Eventually.GetAsync(
            async () => await probe.GetAsync(ErrorQueue) is { } m && m.Body == mismatched ? m : null,
            TimeSpan.FromSeconds(30), "the mismatched event in the error queue");
        Assert.Contains("a consent for sms is for a phone number", dead.Header("MT-Fault-Message"));
    }

    [Fact]
    public async Task A_consent_captured_earlier_but_reported_later_is_history_not_the_current_state()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        const string email = "anna.ivanova@example.ru";

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey,
            MisEvents.ConsentChanged(MisEvents.NewEventId(), email: "Anna.Ivanova@Example.ru", channel: "email", granted: true, capturedAt: "2026-11-23T12:00:00+03:00"));
        var first = await Ledger.NextConsentChangedAsync(probe, announced, email);
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey,
            MisEvents.ConsentChanged(MisEvents.NewEventId(), email: email, channel: "email", granted: false, capturedAt: "2026-11-20T12:00:00+03:00"));
        var second = await Ledger.NextConsentChangedAsync(probe, announced, email);

        Assert.True(second.GetProperty("sequence").GetInt64() > first.GetProperty("sequence").GetInt64());
        Assert.True(second.GetProperty("granted").GetBoolean());
        var ledger = await Ledger.GetAsync(app, email);
        var current = Assert.Single(ledger.GetProperty("current").EnumerateArray());
        Assert.True(current.GetProperty("granted").GetBoolean());
        Assert.Equal(second.GetProperty("sequence").GetInt64(), current.GetProperty("sequence").GetInt64());
        var history = ledger.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.False(history[0].GetProperty("granted").GetBoolean());
        Assert.True(history[1].GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task A_later_revocation_becomes_the_current_state()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);

        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey,
            MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+79264440011", granted: true, capturedAt: "2026-11-20T12:00:00+03:00"));
        await Ledger.NextConsentChangedAsync(probe, announced, "+79264440011");
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey,
            MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: "+79264440011", granted: false, capturedAt: "2026-11-23T12:00:00+03:00"));
        var revoked = await Ledger.NextConsentChangedAsync(probe, announced, "+79264440011");

        Assert.False(revoked.GetProperty("granted").GetBoolean());
        var current = Assert.Single((await Ledger.GetAsync(app, "+79264440011")).GetProperty("current").EnumerateArray());
        Assert.False(current.GetProperty("granted").GetBoolean());
    }

    private async Task<bool> QueueExistsAsync(string queue)
    {
        var endpoints = await TestInfrastructure.GetAsync();
        using var http = new HttpClient { BaseAddress = endpoints.RabbitManagement };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoints.RabbitUser}:{endpoints.RabbitPassword}")));
        using var response = await http.GetAsync($"api/queues/{Uri.EscapeDataString(app.VirtualHost)}/{queue}", TestContext.Current.CancellationToken);
        return response.IsSuccessStatusCode;
    }
}
