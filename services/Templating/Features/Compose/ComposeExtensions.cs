using MassTransit;

namespace Comms.Templating.Features.Compose;

public static class ComposeExtensions
{
    /// <summary>Queue "templating-compose-message", bound to ComposeMessage by ConfigureEndpoints.</summary>
    public static IBusRegistrationConfigurator AddComposeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ComposeMessageConsumer>();
        return bus;
    }
}
