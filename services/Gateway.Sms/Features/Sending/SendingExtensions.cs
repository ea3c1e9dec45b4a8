using MassTransit;

namespace Comms.Gateway.Sms.Features.Sending;

public static class SendingExtensions
{
    public static void AddSmsConsumers(this IBusRegistrationConfigurator bus) => bus.AddConsumer<SendSmsConsumer>();
}
