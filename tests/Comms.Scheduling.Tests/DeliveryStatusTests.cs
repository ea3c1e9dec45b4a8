using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Scheduling.Tests;

/// <summary>The delivery status on the timeline follows the gateway's story, however its changes arrive.</summary>
public sealed class DeliveryStatusTests(SchedulingApp app) : IClassFixture<SchedulingApp>
{
    [Fact]
    public async Task Changes_arriving_together_and_out_of_order_leave_the_newest_with_its_own_reason()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var (id, messageId) = await BookedSendAsync(clinic);
        var at = DateTimeOffset.UtcNow;
        var bus = app.Services.GetRequiredService<IBus>();
        var finished = app.Received.Finished(Queue);

        // Everything at once, as a gateway's outbox relays a batch: blocked and queued of the same instant, an older
        // "sent" that lost its way. Repeated, so the consumers really run side by side.
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(
                bus.Publish(Change(messageId, "queued", null, at)),
                bus.Publish(Change(messageId, "blocked", "the patient opted out of sms/service", at)),
                bus.Publish(Change(messageId, "sent", "an older change", at.AddSeconds(-5))));
        }

        var settled = await SettledAsync(clinic, id, messageId, finished + 15);
        await bus.Publish(Change(messageId, "queued", null, at));
        await bus.Publish(Change(messageId, "delivered", "103", at.AddSeconds(1)));
        var delivered = await SettledAsync(clinic, id, messageId, finished + 17);

        Assert.Equal("blocked", settled.GetProperty("deliveryStatus").GetString());
        Assert.Equal("the patient opted out of sms/service", settled.GetProperty("deliveryReason").GetString());
        Assert.Equal("delivered", delivered.GetProperty("deliveryStatus").GetString());
        Assert.Equal("103", delivered.GetProperty("deliveryReason").GetString());
    }

    [Fact]
    public async Task A_status_no_gateway_sends_is_left_out_and_fails_nothing_that_came_with_it()
    {
        await using var clinic = await Clinic.OpenAsync(app);
        var (id, messageId) = await BookedSendAsync(clinic);
        var at = DateTimeOffset.UtcNow;
        var bus = app.Services.GetRequiredService<IBus>();
        var finished = app.Received.Finished(Queue);

        await Task.WhenAll(
            bus.Publish(Change(messageId, "delivered-to-the-moon-and-back", "odd", at.AddSeconds(1))),
            bus.Publish(Change(messageId, "accepted", null, at)));

        var settled = await SettledAsync(clinic, id, messageId, finished + 2);
        Assert.Equal("accepted", settled.GetProperty("deliveryStatus").GetString());
        Assert.Equal(0u, await app.Services.GetRequiredService<BrokerQueueCounter>().CountAsync(Queue + "_error", CancellationToken.None));
    }

    private const string Queue = "scheduling-message-status-changed";

    private static MessageStatusChanged Change(Guid messageId, string status, string? reason, DateTimeOffset at) =>
        new(messageId, "msk-1", null, null, "sms", status, reason, "sms.ru", at);

    /// <summary>An appointment booked five days ahead and the id of its first planned send.</summary>
    private static async Task<(string Id, Guid MessageId)> BookedSendAsync(Clinic clinic)
    {
        var id = Clinic.NewId();
        var timeline = await clinic.BookAsync(id, DateTimeOffset.UtcNow.AddDays(5));
        return (id, Clinic.Sends(timeline)[0].GetProperty("messageId").GetGuid());
    }

    /// <summary>The send once the status queue has finished <paramref name="consumed"/> messages in all.</summary>
    private async Task<JsonElement> SettledAsync(Clinic clinic, string id, Guid messageId, int consumed)
    {
        await Comms.Testing.Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(Queue) >= consumed), Clinic.Patience,
            () => $"{consumed} status changes consumed on {Queue}, not {app.Received.Finished(Queue)}");
        return Clinic.Sends(await clinic.TimelineAsync(id, 1)).Single(s => s.GetProperty("messageId").GetGuid() == messageId);
    }
}
