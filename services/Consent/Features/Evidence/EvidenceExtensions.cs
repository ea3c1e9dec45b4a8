using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Consent.Features.Evidence;

public static class EvidenceExtensions
{
    /// <summary>Queue consent-message-status-changed: the message log behind evidence exports.</summary>
    public static IBusRegistrationConfigurator AddEvidenceConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddBatchedMessage<MessageStatusChanged>();
        bus.AddConsumer<MessageStatusChangedConsumer>(typeof(MessageStatusChangedConsumerDefinition));
        return bus;
    }
}
