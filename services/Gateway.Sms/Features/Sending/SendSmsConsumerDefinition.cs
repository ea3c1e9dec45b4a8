using Comms.Gateway.Sms.Features.Routing;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// At most <see cref="SmsOptions.MaxParallelSends"/> SMS in flight: batches of half of it, two at a time (one of one,
/// one at a time, when it is 1), gathered for at most <see cref="BatchTimeLimit"/>, and as many prefetched as fill
/// them (with the bus-wide prefetch, RabbitMq:PrefetchCount 16, the batches would silently be smaller).
/// </summary>
public sealed class SendSmsConsumerDefinition(IOptions<SmsOptions> options) : ConsumerDefinition<SendSmsConsumer>
{
    /// <summary>How long a batch waits to fill: a lone SMS waits no longer.</summary>
    public static readonly TimeSpan BatchTimeLimit = TimeSpan.FromMilliseconds(10);

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendSmsConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var (batchSize, batchesAtOnce) = Shape(options.Value.MaxParallelSends);
        Batching.Configure(endpointConfigurator, consumerConfigurator, batchSize, BatchTimeLimit, batchesAtOnce);
    }

    /// <summary>The batches that keep <paramref name="maxParallelSends"/> calls in flight at the most.</summary>
    public static (int BatchSize, int BatchesAtOnce) Shape(int maxParallelSends) =>
        maxParallelSends < 2 ? (1, 1) : (maxParallelSends / 2, 2);
}
