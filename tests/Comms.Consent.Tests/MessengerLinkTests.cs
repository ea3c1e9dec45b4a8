using System.Globalization;
using Comms.Contracts.Delivery;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Consent.Tests;

public sealed class MessengerLinkTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Fact]
    public async Task A_linked_max_account_is_a_service_consent_with_the_update_as_evidence_announced_to_the_gateways()
    {
        var userId = NewMaxUserId();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        var linked = Linked(userId);

        await PublishAsync(linked);

        var ledger = await Ledger.WaitForHistoryAsync(app, userId, 1);
        var record = Assert.Single(ledger.GetProperty("history").EnumerateArray());
        Assert.True(record.GetProperty("granted").GetBoolean());
        Assert.Equal("max", record.GetProperty("channel").GetString());
        Assert.Equal("service", record.GetProperty("purpose").GetString());
        Assert.Equal("messenger_link", record.GetProperty("method").GetString());
        Assert.Equal("gateway:max", record.GetProperty("source").GetString());
        Assert.Equal(linked.Evidence, record.GetProperty("evidence").GetString());
        Assert.Equal("P-77", record.GetProperty("patientId").GetString());
        Assert.True(Ledger.Current(ledger, "max", "service").GetProperty("granted").GetBoolean());

        var change = Assert.Single(await Ledger.ConsentChangedAsync(probe, announced, userId, 1));
        Assert.True(change.GetProperty("granted").GetBoolean());
        Assert.Equal("max", change.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task The_same_link_published_twice_is_recorded_once()
    {
        var userId = NewMaxUserId();
        var linked = Linked(userId);
        var finishedBefore = app.Received.Finished("consent-messenger-linked");

        await PublishAsync(linked);
        await PublishAsync(linked);

        await Eventually.TrueAsync(
            () => Task.FromResult(app.Received.Finished("consent-messenger-linked") >= finishedBefore + 2),
            Ledger.Patience, "both copies to be consumed");
        Assert.Single((await Ledger.WaitForHistoryAsync(app, userId, 1)).GetProperty("history").EnumerateArray());
    }

    [Theory]
    [InlineData("reply", "СТОП")]
    [InlineData("messenger_blocked", "MAX bot_stopped: the user blocked the clinic's bot")]
    public async Task Linking_again_after_the_patients_opt_out_reopens_the_channel(string method, string evidence)
    {
        var userId = NewMaxUserId();
        await PublishAsync(Linked(userId, DateTimeOffset.Parse("2026-11-24T09:00:00Z", CultureInfo.InvariantCulture)));
        await Ledger.WaitForHistoryAsync(app, userId, 1);
        await app.Services.GetRequiredService<IBus>().Publish(new OptOutReceived(
            Guid.CreateVersion7(), "max", userId, ["service", "marketing"], method, evidence, "msk-1", "P-77", null,
            DateTimeOffset.Parse("2026-11-24T10:00:00Z", CultureInfo.InvariantCulture)), TestContext.Current.CancellationToken);
        var revoked = await Ledger.WaitForHistoryAsync(app, userId, 3);
        Assert.False(Ledger.Current(revoked, "max", "service").GetProperty("granted").GetBoolean());
        Assert.Equal(method, Ledger.Current(revoked, "max", "service").GetProperty("method").GetString());

        await PublishAsync(Linked(userId, DateTimeOffset.Parse("2026-11-24T11:00:00Z", CultureInfo.InvariantCulture)));

        var relinked = await Ledger.WaitForHistoryAsync(app, userId, 4);
        Assert.True(Ledger.Current(relinked, "max", "service").GetProperty("granted").GetBoolean());
    }

    private static string NewMaxUserId() => Random.Shared.NextInt64(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);

    private static MessengerLinked Linked(string userId, DateTimeOffset? at = null)
    {
        var linkId = Guid.CreateVersion7();
        return new MessengerLinked(linkId, "max", "msk-1", "P-77", userId,
            $"bot_started by MAX user {userId} with the personal link {linkId} at 2026-11-24T09:00:00Z", at ?? DateTimeOffset.UtcNow);
    }

    private async Task PublishAsync(MessengerLinked linked) =>
        await app.Services.GetRequiredService<IBus>().Publish(linked, TestContext.Current.CancellationToken);
}
