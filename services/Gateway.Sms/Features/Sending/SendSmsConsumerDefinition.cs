using Comms.Gateway.Sms.Features.Routing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

public sealed class SendSmsConsumerDefinition(IOptions<SmsOptions> options) : ConsumerDefinition<SendSmsConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendSmsConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.ConcurrentMessageLimit = options.Value.MaxParallelSends;
}
