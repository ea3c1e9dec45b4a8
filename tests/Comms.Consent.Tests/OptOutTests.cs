using Comms.Contracts.Delivery;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Consent.Tests;

public sealed class OptOutTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Fact]
    public async Task A_stop_reply_revokes_every_purpose_it_lists_with_its_evidence_and_announces_each()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        await GrantByMisAsync(probe, phone, "service");
        await GrantByMisAsync(probe, phone, "marketing");
        await Ledger.ConsentChangedAsync(probe, announced, phone, 2);
        var inReplyTo = Guid.NewGuid();

        await PublishAsync(OptOut(phone, ["service", "marketing"], inReplyTo));

        var ledger = await Ledger.WaitForHistoryAsync(app, phone, 4);
        var revocations = ledger.GetProperty("history").EnumerateArray().Where(r => !r.GetProperty("granted").GetBoolean()).ToList();
        Assert.Equal(["marketing", "service"], revocations.Select(r => r.GetProperty("purpose").GetString()).Order(StringComparer.Ordinal));
        Assert.All(revocations, r =>
        {
            Assert.Equal("reply", r.GetProperty("method").GetString());
            Assert.Equal("gateway:sms", r.GetProperty("source").GetString());
            Assert.Equal("СТОП", r.GetProperty("evidence").GetString());
            Assert.Equal(JsonValueKindNull, r.GetProperty("clinicId").ValueKind);
            Assert.Equal(JsonValueKindNull, r.GetProperty("patientId").ValueKind);
            Assert.Equal(inReplyTo, r.GetProperty("relatedMessageId").GetGuid());
            Assert.Equal(DateTimeOffset.Parse("2026-11-24T10:00:00Z"), r.GetProperty("capturedAt").GetDateTimeOffset());
            Assert.True(r.GetProperty("effective").GetBoolean());
        });
        Assert.False(Ledger.Current(ledger, "sms", "service").GetProperty("granted").GetBoolean());
        Assert.False(Ledger.Current(ledger, "sms", "marketing").GetProperty("granted").GetBoolean());

        var changes = await Ledger.ConsentChangedAsync(probe, announced, phone, 2);
        Assert.Equal(["marketing", "service"], changes.Select(c => c.GetProperty("purpose").GetString()).Order(StringComparer.Ordinal));
        Assert.All(changes, c =>
        {
            Assert.False(c.GetProperty("granted").GetBoolean());
            Assert.Equal("reply", c.GetProperty("method").GetString());
            Assert.Equal("msk-1", c.GetProperty("clinicId").GetString());
            var revocation = revocations.Single(r => r.GetProperty("purpose").GetString() == c.GetProperty("purpose").GetString());
            Assert.Equal(revocation.GetProperty("sequence").GetInt64(), c.GetProperty("sequence").GetInt64());
        });
    }

    [Fact]
    public async Task The_same_opt_out_published_twice_is_recorded_once()
    {
        var phone = Ledger.NewPhone();
        var optOut = OptOut(phone, ["service"], null);
        var finishedBefore = app.Received.Finished("consent-opt-out-received");

        await PublishAsync(optOut);
        await PublishAsync(optOut);

        await Eventually.TrueAsync(
            () => Task.FromResult(app.Received.Finished("consent-opt-out-received") >= finishedBefore + 2),
            Ledger.Patience, "both copies to be consumed");
        var history = (await Ledger.WaitForHistoryAsync(app, phone, 1)).GetProperty("history");
        Assert.Single(history.EnumerateArray());
    }

    [Fact]
    public async Task An_opt_out_becomes_consent_changed_for_the_mis_on_comms_events()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var misQueue = await probe.BindQueueAsync(Ledger.CommsEventsExchange, "consent.changed");
        await GrantByMisAsync(probe, phone, "service");
        var granted = await Ledger.NextMisEventAsync(probe, misQueue, phone);
        Assert.True(granted.GetProperty("data").GetProperty("granted").GetBoolean());

        await PublishAsync(OptOut(phone, ["service"], null));

        var revoked = await Ledger.NextMisEventAsync(probe, misQueue, phone);
        Assert.Equal("1.0", revoked.GetProperty("specversion").GetString());
        Assert.Equal("consent.changed", revoked.GetProperty("type").GetString());
        Assert.Equal("comms/consent", revoked.GetProperty("source").GetString());
        var data = revoked.GetProperty("data");
        Assert.False(data.GetProperty("granted").GetBoolean());
        Assert.Equal(phone, data.GetProperty("contact").GetString());
        Assert.Equal("phone", data.GetProperty("contactKind").GetString());
        Assert.Equal("sms", data.GetProperty("channel").GetString());
        Assert.Equal("service", data.GetProperty("purpose").GetString());
        Assert.Equal("reply", data.GetProperty("method").GetString());
        Assert.Equal("gateway:sms", data.GetProperty("source").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T10:00:00Z"), data.GetProperty("capturedAt").GetDateTimeOffset());
        // The opt-out knew no patient; the MIS is told whose contact it is from the ledger's earlier records.
        Assert.Equal("P-77", data.GetProperty("patientId").GetString());
        Assert.Equal("msk-1", data.GetProperty("clinicId").GetString());
        var history = (await Ledger.GetAsync(app, phone)).GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(history.Max(r => r.GetProperty("sequence").GetInt64()), data.GetProperty("sequence").GetInt64());
        Assert.True(data.GetProperty("sequence").GetInt64() > granted.GetProperty("data").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_malformed_opt_out_goes_to_the_error_queue_with_the_reason()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);

        await PublishAsync(OptOut("not-a-phone", ["everything"], null));

        var dead = await Eventually.GetAsync(() => probe.GetAsync("consent-opt-out-received_error"), Ledger.Patience, "the opt-out in the error queue");
        var reason = dead.Header("MT-Fault-Message");
        Assert.Contains("Purposes: must list one or more of service, marketing", reason, StringComparison.Ordinal);
        Assert.Contains("Contact: must be an E.164 phone number", reason, StringComparison.Ordinal);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    internal static OptOutReceived OptOut(string contact, IReadOnlyList<string> purposes, Guid? inReplyTo, string method = "reply", string receivedAt = "2026-11-24T10:00:00Z") =>
        new(Guid.NewGuid(), "sms", contact, purposes, method, "СТОП", null, null, inReplyTo, DateTimeOffset.Parse(receivedAt, System.Globalization.CultureInfo.InvariantCulture));

    private async Task PublishAsync(OptOutReceived optOut) =>
        await app.Services.GetRequiredService<IBus>().Publish(optOut, TestContext.Current.CancellationToken);

    private async Task GrantByMisAsync(RabbitQueueProbe probe, string phone, string purpose)
    {
        var before = (await Ledger.GetAsync(app, phone)).GetProperty("history").GetArrayLength();
        await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: phone, purpose: purpose));
        await Ledger.WaitForHistoryAsync(app, phone, before + 1);
    }
}
