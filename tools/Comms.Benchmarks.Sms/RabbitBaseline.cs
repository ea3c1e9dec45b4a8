using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Comms.Benchmarks.Audience;

namespace Comms.Benchmarks.Sms;

/// <summary>The broker alone: how fast the same number of messages of the same size go through one queue.</summary>
public sealed record BaselineResult(
    int Messages, int BodyBytes, int InFlight, int Prefetch, TimeSpan Published, TimeSpan Consumed, CpuUsage? Cpu)
{
    /// <summary>Messages per second from the first publish until the last one was consumed and acked.</summary>
    public double Rate => Messages / Consumed.TotalSeconds;

    public double PublishRate => Messages / Published.TotalSeconds;
}

/// <summary>
/// Raw RabbitMQ.Client on the benchmark virtual host, no MassTransit, no database: a durable queue, persistent
/// messages whose bodies are real MassTransit SendSms envelopes of the run (captured by <see cref="BenchmarkBus"/>),
/// published with confirms (as many in flight as the SendSms publisher keeps) while one consumer acks each message
/// manually. The ceiling the broker sets on this machine.
/// </summary>
public static class RabbitBaseline
{
    private const string Queue = "benchmark-raw-baseline";

    public static async Task<BaselineResult> RunAsync(
        InfrastructureSettings infrastructure, IReadOnlyList<byte[]> bodies, int inFlight, ushort prefetch, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = infrastructure.RabbitHost,
            Port = infrastructure.RabbitPort,
            UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword,
            VirtualHost = InfrastructureSettings.VirtualHost,
        };
        await using var consumerConnection = await factory.CreateConnectionAsync("comms-benchmark-raw-consumer", cancellationToken);
        await using var publisherConnection = await factory.CreateConnectionAsync("comms-benchmark-raw-publisher", cancellationToken);
        await using var consumerChannel = await consumerConnection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using var publisherChannel = await publisherConnection.CreateChannelAsync(
            // No rate limiter of the client's own (its default throttles from half of 128): the window below is the limit.
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: null),
            cancellationToken);

        await consumerChannel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await consumerChannel.QueuePurgeAsync(Queue, cancellationToken);
        await consumerChannel.BasicQosAsync(0, prefetch, global: false, cancellationToken);

        var consumed = 0;
        var allConsumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
            if (Interlocked.Increment(ref consumed) == bodies.Count)
            {
                allConsumed.TrySetResult();
            }
        };
        var tag = await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellationToken);

        var cpuStart = CpuSnapshot.TakeIfSupported();
        var clock = Stopwatch.StartNew();
        var pending = new Queue<Task>();
        foreach (var body in bodies)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/vnd.masstransit+json",
                DeliveryMode = DeliveryModes.Persistent,
                MessageId = Guid.NewGuid().ToString(),
            };
            // With confirmation tracking, each publish completes when the broker confirmed it.
            pending.Enqueue(publisherChannel.BasicPublishAsync("", Queue, mandatory: false, properties, body, cancellationToken).AsTask());
            if (pending.Count >= inFlight)
            {
                await pending.Dequeue();
            }
        }

        await Task.WhenAll(pending);
        var published = clock.Elapsed;
        await allConsumed.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        var done = clock.Elapsed;
        var cpu = cpuStart is null ? null : CpuSnapshot.Take().Since(cpuStart, null, null);

        await consumerChannel.BasicCancelAsync(tag, cancellationToken: cancellationToken);
        await consumerChannel.QueueDeleteAsync(Queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        return new BaselineResult(bodies.Count, (int)bodies.Average(b => b.Length), inFlight, prefetch, published, done, cpu);
    }
}
