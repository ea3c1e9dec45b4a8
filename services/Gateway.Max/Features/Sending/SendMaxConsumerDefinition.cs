using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>At most <see cref="MaxOptions.MaxParallelSends"/> messages in flight, and as many prefetched.</summary>
public sealed class SendMaxConsumerDefinition(IOptions<MaxOptions> options, IOptions<RabbitMqOptions> rabbitMq)
    : ConsumerDefinition<SendMaxConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendMaxConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        var parallel = options.Value.MaxParallelSends;
        endpointConfigurator.ConcurrentMessageLimit = parallel;
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Math.Max(parallel, rabbitMq.Value.PrefetchCount);
        }
    }
}
