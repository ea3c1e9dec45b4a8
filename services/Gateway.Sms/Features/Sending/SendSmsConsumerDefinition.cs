using Comms.Gateway.Sms.Features.Routing;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// At most <see cref="SmsOptions.MaxParallelSends"/> SMS in flight, and as many prefetched: with the bus-wide prefetch
/// (RabbitMq:PrefetchCount, 16) below it, the limit would silently be the prefetch.
/// </summary>
public sealed class SendSmsConsumerDefinition(IOptions<SmsOptions> options, IOptions<RabbitMqOptions> rabbitMq) : ConsumerDefinition<SendSmsConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendSmsConsumer> consumerConfigurator,
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
