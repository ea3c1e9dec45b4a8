using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Comms.ServiceDefaults.Tests;

/// <summary>
/// Rows the relay can never publish (a type renamed between releases, a body that no longer reads) are set aside with
/// their error after a few tries, and hold back none of the rows behind them.
/// </summary>
public sealed class OutboxRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const int MaxAttempts = 5;

    [Fact]
    public async Task A_hundred_rows_that_cannot_be_published_ahead_of_the_rest_are_set_aside_and_the_rest_is_published_once()
    {
        var (database, virtualHost) = await BareService.PrepareAsync("relay100");
        await using var broker = await RabbitQueueProbe.ConnectAsync(virtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", ExchangeType.Fanout);
        var consents = await broker.BindQueueAsync("Comms.Contracts.Consent:ConsentChanged", "", ExchangeType.Fanout);
        var cloudEvents = await broker.BindQueueAsync(MessagingExtensions.CommsEventsExchange, "#");

        Guid optOutId;
        List<Guid> consentIds;
        await using (var db = BareDbContext.Open(database))
        {
            for (var i = 0; i < 50; i++)
            {
                db.OutboxMessages.Add(Poison("Comms.Contracts.Delivery.OptOutRecorded, Comms.Contracts", "{}"));
                db.OutboxMessages.Add(Poison(TypeName<OptOutReceived>(), """{"optOutId":"not-a-guid"}"""));
            }

            await db.SaveChangesAsync();
            optOutId = db.Publish(OptOut(), TimeProvider.System);
            consentIds = [.. Enumerable.Range(1, 50).Select(i => db.Publish(Consent(i), TimeProvider.System))];
            db.PublishCloudEvent(MessagingExtensions.CommsEventsExchange, "consent.changed", """{"specversion":"1.0","id":"ce-1","source":"comms/test","type":"consent.changed"}""", TimeProvider.System);
            await db.SaveChangesAsync();
        }

        await using var host = await BareService.StartAsync(database, virtualHost);

        await Eventually.TrueAsync(async () => await RowsAsync(database, r => r.Attempts < MaxAttempts) == 0, Patience,
            () => "every row published or set aside\n" + string.Join('\n', host.Logs.AtLeast(LogLevel.Warning, DateTimeOffset.MinValue)));

        Assert.Equal([optOutId], MessageIds(await broker.DrainAsync(optOuts)));
        Assert.Equal(consentIds.Order(), MessageIds(await broker.DrainAsync(consents)).Order());
        Assert.Equal("ce-1", JsonDocument.Parse(Assert.Single(await broker.DrainAsync(cloudEvents)).Body).RootElement.GetProperty("id").GetString());

        await using (var db = BareDbContext.Open(database))
        {
            var setAside = await db.OutboxMessages.AsNoTracking().ToListAsync();
            Assert.Equal(100, setAside.Count);
            Assert.All(setAside, row => Assert.Equal(MaxAttempts, row.Attempts));
            Assert.Equal(50, setAside.Count(r => r.LastError!.Contains("unknown message type 'Comms.Contracts.Delivery.OptOutRecorded", StringComparison.Ordinal)));
            Assert.Equal(50, setAside.Count(r => r.LastError!.Contains("body does not read", StringComparison.Ordinal)));
        }

        var (status, checks) = await host.ReadinessAsync();
        Assert.Equal("Degraded", status);
        Assert.Equal("Degraded", checks["outbox"].Status);
        Assert.StartsWith("100 message(s) set aside after 5 failed publishes", checks["outbox"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_row_that_cannot_be_published_among_a_thousand_holds_back_none_of_them()
    {
        var (database, virtualHost) = await BareService.PrepareAsync("relay1000");
        await using var broker = await RabbitQueueProbe.ConnectAsync(virtualHost);
        var consents = await broker.BindQueueAsync("Comms.Contracts.Consent:ConsentChanged", "", ExchangeType.Fanout);

        List<Guid> ids;
        await using (var db = BareDbContext.Open(database))
        {
            db.OutboxMessages.Add(Poison(TypeName<ConsentChanged>(), "[]"));
            await db.SaveChangesAsync();
            ids = [.. Enumerable.Range(1, 1000).Select(i => db.Publish(Consent(i), TimeProvider.System))];
            await db.SaveChangesAsync();
        }

        await using var host = await BareService.StartAsync(database, virtualHost);

        var published = new List<ReceivedMessage>();
        await Eventually.TrueAsync(async () =>
        {
            published.AddRange(await broker.DrainAsync(consents));
            return published.Count >= ids.Count;
        }, Patience, () => $"1,000 rows published; {published.Count} so far");

        Assert.Equal(ids.Order(), MessageIds(published).Order());
        await Eventually.TrueAsync(async () => await RowsAsync(database, r => r.Attempts >= MaxAttempts) == 1, Patience, "the bad row set aside");
        Assert.Equal(1, await RowsAsync(database, _ => true));
        Assert.Empty(await broker.DrainAsync(consents));
    }

    [Fact]
    public async Task Rows_are_not_set_aside_while_the_broker_refuses_them_all_and_go_out_once_it_takes_them()
    {
        var (database, virtualHost) = await BareService.PrepareAsync("relayaway");
        await using var broker = await RabbitQueueProbe.ConnectAsync(virtualHost);
        var cloudEvents = await broker.BindQueueAsync(MessagingExtensions.CommsEventsExchange, "#");
        await using (var db = BareDbContext.Open(database))
        {
            for (var i = 0; i < 20; i++)
            {
                db.PublishCloudEvent(MessagingExtensions.CommsEventsExchange, "consent.changed",
                    $$"""{"specversion":"1.0","id":"ce-{{i}}","source":"comms/test","type":"consent.changed"}""", TimeProvider.System);
            }

            await db.SaveChangesAsync();
        }

        // The broker refuses every publish to the exchange all the rows go to, as it does any publish while it is away.
        await TestInfrastructure.SetWritePermissionAsync(virtualHost, @"^(?!comms\.events$).*");
        await using var host = await BareService.StartAsync(database, virtualHost, new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "2" });

        await Eventually.TrueAsync(
            () => Task.FromResult(host.Logs.Entries.Count(e => e.Message.StartsWith("Outbox relay could not publish", StringComparison.Ordinal)) >= 3),
            Patience, "three refused batches");
        await using (var db = BareDbContext.Open(database))
        {
            var rows = await db.OutboxMessages.AsNoTracking().ToListAsync();
            Assert.Equal(20, rows.Count);
            Assert.All(rows, row => Assert.Equal(0, row.Attempts));
        }

        Assert.Equal("Healthy", (await host.ReadinessAsync()).Checks["outbox"].Status);

        await TestInfrastructure.SetWritePermissionAsync(virtualHost, ".*");
        await Eventually.TrueAsync(async () => await RowsAsync(database, _ => true) == 0, Patience, "the rows published once the broker takes them");
        var ids = (await broker.DrainAsync(cloudEvents)).Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("id").GetString()).Order();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"ce-{i}").Order(), ids);
    }

    [Fact]
    public async Task A_row_set_aside_is_tried_again_and_goes_out_once_it_reads()
    {
        var (database, virtualHost) = await BareService.PrepareAsync("relayagain");
        await using var broker = await RabbitQueueProbe.ConnectAsync(virtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", ExchangeType.Fanout);
        var row = Poison(TypeName<OptOutReceived>(), """{"optOutId":"not-a-guid"}""");
        await using (var db = BareDbContext.Open(database))
        {
            db.OutboxMessages.Add(row);
            await db.SaveChangesAsync();
        }

        await using var host = await BareService.StartAsync(database, virtualHost, new Dictionary<string, string?> { ["Outbox:SetAsideRetryInterval"] = "00:00:01" });
        await Eventually.TrueAsync(async () => await RowsAsync(database, r => r.Attempts >= MaxAttempts) == 1, Patience, "the row set aside");

        // What an operator does for a body a release can no longer read: mend it in place.
        await using (var db = BareDbContext.Open(database))
        {
            var stored = await db.OutboxMessages.SingleAsync();
            stored.Body = System.Text.Json.JsonSerializer.Serialize(OptOut() with { OptOutId = Guid.NewGuid() }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            await db.SaveChangesAsync();
        }

        await Eventually.TrueAsync(async () => await RowsAsync(database, _ => true) == 0, Patience, "the mended row published");
        Assert.Equal([row.MessageId], MessageIds(await broker.DrainAsync(optOuts)));
        Assert.Equal("Healthy", (await host.ReadinessAsync()).Checks["outbox"].Status);
    }

    private static OutboxMessage Poison(string type, string body) => new()
    {
        MessageId = Guid.CreateVersion7(),
        MessageType = type,
        Body = body,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static string TypeName<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";

    private static OptOutReceived OptOut() =>
        new(Guid.NewGuid(), "sms", "+79160000000", ["service", "marketing"], "reply", "СТОП", "msk-1", "P-1", null, DateTimeOffset.UtcNow);

    private static ConsentChanged Consent(int sequence) =>
        new(sequence, "msk-1", "P-" + sequence, "+7916000" + sequence.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            "sms", "service", true, "mis_checkbox", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

    private static List<Guid> MessageIds(IEnumerable<ReceivedMessage> messages) =>
        [.. messages.Select(m => Guid.Parse(JsonDocument.Parse(m.Body).RootElement.GetProperty("messageId").GetString()!))];

    private static async Task<int> RowsAsync(string database, System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> where)
    {
        await using var db = BareDbContext.Open(database);
        return await db.OutboxMessages.CountAsync(where);
    }
}
