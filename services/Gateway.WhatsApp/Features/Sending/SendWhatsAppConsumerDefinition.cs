using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>At most <see cref="WhatsAppOptions.MaxParallelSends"/> messages in flight, and as many prefetched.</summary>
public sealed class SendWhatsAppConsumerDefinition(IOptions<WhatsAppOptions> options, IOptions<RabbitMqOptions> rabbitMq)
    : ConsumerDefinition<SendWhatsAppConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendWhatsAppConsumer> consumerConfigurator,
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
