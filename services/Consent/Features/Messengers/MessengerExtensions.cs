using MassTransit;

namespace Comms.Consent.Features.Messengers;

public static class MessengerExtensions
{
    /// <summary>Queue consent-messenger-linked, bound to MessengerLinked by ConfigureEndpoints.</summary>
    public static IBusRegistrationConfigurator AddMessengerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MessengerLinkedConsumer>();
        return bus;
    }
}
