using Comms.Mis;
using MassTransit;

namespace Comms.Consent.Features.Mis;

public static class MisConsentExtensions
{
    /// <summary>The queue the MIS's consent events arrive on (docs/mis-integration.md, section 4).</summary>
    public const string QueueName = "consent-mis-events";

    public const string RoutingKey = "patient.consent_changed";

    /// <summary>Registered, but left out of ConfigureEndpoints: its queue is bound by hand below.</summary>
    public static IBusRegistrationConfigurator AddMisConsentConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MisConsentEventConsumer>().ExcludeFromConfigureEndpoints();
        return bus;
    }

    public static void ReceiveMisConsentEvents(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveMisEvents<MisConsentEventConsumer>(context, QueueName, RoutingKey);
}
