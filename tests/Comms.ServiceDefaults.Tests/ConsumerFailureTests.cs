using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Comms.ServiceDefaults.Messaging;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Comms.ServiceDefaults.Tests;

/// <summary>A message of the tests' own, and how its consumer is to fail for each key.</summary>
public sealed record Ping(string Key);

public sealed class PingScript
{
    /// <summary>Key → how it fails: "transient:N" (the database away N times), "reject", "bug".</summary>
    public ConcurrentDictionary<string, string> Plans { get; } = new();

    public ConcurrentDictionary<string, int> Tries { get; } = new();

    public ConcurrentDictionary<string, int> Consumed { get; } = new();
}

public sealed class PingConsumer(PingScript script) : IConsumer<Ping>
{
    public Task Consume(ConsumeContext<Ping> context)
    {
        var key = context.Message.Key;
        var tries = script.Tries.AddOrUpdate(key, 1, (_, n) => n + 1);
        switch (script.Plans.GetValueOrDefault(key, ""))
        {
            case var plan when plan.StartsWith("transient:", StringComparison.Ordinal) && tries <= int.Parse(plan["transient:".Length..], System.Globalization.CultureInfo.InvariantCulture):
                // What Npgsql throws while PostgreSQL refuses connections (a restart, a failover).
                throw new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));
            case "reject":
                throw new MessageRejectedException($"ping {key}: not a ping this service takes");
            case "bug":
                throw new InvalidOperationException($"ping {key}: a bug");
        }

        script.Consumed.AddOrUpdate(key, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>
/// What happens to a message its consumer cannot handle: a transient failure (the database away) is retried for
/// minutes, not seconds; what can never succeed goes to the _error queue, and the operator is told; a redelivered copy
/// the inbox drops piles up nowhere.
/// </summary>
public sealed class ConsumerFailureTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly PingScript _script = new();
    private readonly ReceiveCounter _received = new();
    private BareService _service = null!;
    private RabbitQueueProbe _broker = null!;
    private string _queue = "";

    public async ValueTask InitializeAsync()
    {
        var (database, virtualHost) = await BareService.PrepareAsync("consumer");
        _service = await BareService.StartAsync(database, virtualHost,
            // Waits of one second, so that a dozen failed tries take seconds, not the minutes of production.
            new Dictionary<string, string?> { ["MessageRetry:MaxInterval"] = "00:00:01" },
            bus => bus.AddConsumer<PingConsumer>(),
            services =>
            {
                services.AddSingleton(_script);
                services.AddReceiveObserver(_ => _received);
            });
        _broker = await RabbitQueueProbe.ConnectAsync(virtualHost);
        _queue = Assert.Single(_service.Services.GetRequiredService<ReceiveQueues>().Names);
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task A_message_whose_database_stays_away_past_the_quick_retries_is_consumed_once_it_is_back_and_never_dead_lettered()
    {
        // Eight refused connections: about 8 s with one-second waits, where the four quick retries (100 ms … 5 s) gave up after 7.6 s.
        _script.Plans["db-away"] = "transient:8";
        await PublishAsync(new Ping("db-away"));

        await Eventually.TrueAsync(() => Task.FromResult(_script.Consumed.GetValueOrDefault("db-away") == 1), Patience,
            () => $"the ping consumed; tried {_script.Tries.GetValueOrDefault("db-away")} times");
        Assert.Equal(9, _script.Tries["db-away"]);
        Assert.Equal(0u, await CountAsync(_queue + "_error"));
        Assert.Equal("Healthy", (await _service.ReadinessAsync()).Checks["error-queues"].Status);
    }

    [Fact]
    public async Task A_message_waiting_for_its_next_try_holds_back_none_of_the_others()
    {
        // It waits between tries in memory, unacknowledged: one of the queue's 16 slots (RabbitMq:PrefetchCount).
        _script.Plans["held"] = "transient:1000";
        await PublishAsync(new Ping("held"));
        await Eventually.TrueAsync(() => Task.FromResult(_script.Tries.GetValueOrDefault("held") >= 2), Patience, "the held ping tried again");

        var keys = Enumerable.Range(0, 100).Select(i => $"flowing-{i}").ToList();
        foreach (var key in keys)
        {
            await PublishAsync(new Ping(key));
        }

        await Eventually.TrueAsync(() => Task.FromResult(keys.All(_script.Consumed.ContainsKey)), Patience,
            () => $"the other pings consumed; {keys.Count(_script.Consumed.ContainsKey)} so far");
        Assert.False(_script.Consumed.ContainsKey("held"));
        Assert.Equal(0u, await CountAsync(_queue + "_error"));
    }

    [Fact]
    public async Task A_rejected_message_goes_to_the_error_queue_at_once_and_the_operator_is_told()
    {
        var since = DateTimeOffset.UtcNow;
        using var deadLettered = new CounterProbe(_service.Services.GetRequiredService<CommsMetrics>().Meter, "comms.messages.dead_lettered");
        _script.Plans["bad"] = "reject";
        var id = await PublishAsync(new Ping("bad"));

        var dead = await Eventually.GetAsync(() => _broker.GetAsync(_queue + "_error"), Patience, "the ping in the error queue");
        Assert.Equal("ping bad: not a ping this service takes", dead.Header("MT-Fault-Message"));
        Assert.Equal(1, _script.Tries["bad"]);
        Assert.Equal(1, deadLettered.Total(("queue", _queue)));
        var alarm = Assert.Single(_service.Logs.AtLeast(LogLevel.Error, since), e => e.Category.EndsWith(nameof(ReceiveQueues), StringComparison.Ordinal));
        Assert.Contains($"Message {id} moved from {_queue} to {_queue}_error (MessageRejectedException: ping bad", alarm.Message, StringComparison.Ordinal);

        // Taken out above; a second one stays and readiness names it.
        _script.Plans["bad-2"] = "reject";
        await PublishAsync(new Ping("bad-2"));
        await Eventually.TrueAsync(async () => await CountAsync(_queue + "_error") == 1, Patience, "the second ping in the error queue");
        var (status, checks) = await _service.ReadinessAsync();
        Assert.Equal("Degraded", status);
        Assert.Equal("Degraded", checks["error-queues"].Status);
        Assert.StartsWith($"{_queue}_error: 1 message(s) that failed for good", checks["error-queues"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_that_is_not_transient_is_tried_a_few_times_then_dead_lettered()
    {
        _script.Plans["bug"] = "bug";
        await PublishAsync(new Ping("bug"));

        var dead = await Eventually.GetAsync(() => _broker.GetAsync(_queue + "_error"), Patience, "the ping in the error queue");
        Assert.Equal("ping bug: a bug", dead.Header("MT-Fault-Message"));
        Assert.Equal(1 + MessageRetryOptions.OtherFailureIntervals.Length, _script.Tries["bug"]);
        Assert.False(_script.Consumed.ContainsKey("bug"));
    }

    [Fact]
    public async Task A_copy_the_inbox_drops_is_done_with_not_moved_to_the_skipped_queue()
    {
        var id = Guid.NewGuid();
        var before = _received.Finished(_queue);
        // The second copy arrives once the first is handled, as a redelivery does (two copies at once are kept apart by
        // the inbox row's key, and the loser's work rolled back; this consumer's counter is not a database row).
        await PublishAsync(new Ping("twice"), id);
        await Eventually.TrueAsync(() => Task.FromResult(_received.Finished(_queue) >= before + 1), Patience, "the first copy handled");
        await PublishAsync(new Ping("twice"), id);

        await Eventually.TrueAsync(() => Task.FromResult(_received.Finished(_queue) >= before + 2), Patience, "both copies handled");
        Assert.Equal(1, _script.Consumed["twice"]);
        Assert.Equal(0u, await CountAsync(_queue + "_skipped"));
        Assert.Equal("Healthy", (await _service.ReadinessAsync()).Checks["error-queues"].Status);
    }

    private async Task<Guid> PublishAsync(Ping ping, Guid? messageId = null)
    {
        var id = messageId ?? Guid.NewGuid();
        await _service.Services.GetRequiredService<IBus>().Publish(ping, context => context.MessageId = id);
        return id;
    }

    private async Task<uint> CountAsync(string queue) =>
        await _service.Services.GetRequiredService<BrokerQueueCounter>().CountAsync(queue, CancellationToken.None);
}

/// <summary>What one counter of one service's meter recorded while the probe listened, by tag.</summary>
public sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)> _measurements = new();

    public CounterProbe(Meter meter, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (ReferenceEquals(published.Meter, meter) && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            _measurements.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        _listener.Start();
    }

    public long Total((string Key, string Value) tag) =>
        _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(tag.Key), tag.Value)).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
