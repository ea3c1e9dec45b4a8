using MassTransit;

namespace Comms.Consent.Features.Evidence;

public static class EvidenceExtensions
{
    /// <summary>Queue consent-message-status-changed: the message log behind evidence exports.</summary>
    public static IBusRegistrationConfigurator AddEvidenceConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MessageStatusChangedConsumer>();
        return bus;
    }
}
