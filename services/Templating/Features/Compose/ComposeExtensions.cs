using Comms.Contracts.Scheduling;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Templating.Features.Compose;

public static class ComposeExtensions
{
    /// <summary>Queue "templating-compose-message", bound to ComposeMessage by ConfigureEndpoints.</summary>
    public static IBusRegistrationConfigurator AddComposeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddBatchedMessage<ComposeMessage>();
        bus.AddConsumer<ComposeMessageConsumer>(typeof(ComposeMessageConsumerDefinition));
        return bus;
    }
}
