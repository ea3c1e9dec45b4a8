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

    /// <summary>
    /// The one hand-made topology: the MIS publishes plain CloudEvent JSON (no MassTransit envelope) to the topic
    /// exchange mis.events, so this queue binds by routing key and reads raw JSON as any message type.
    /// </summary>
    public static void ReceiveMisConsentEvents(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveEndpoint(QueueName, e =>
        {
            e.ConfigureConsumeTopology = false;
            e.ClearSerialization();
            e.UseRawJsonSerializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            e.Bind(Comms.ServiceDefaults.Messaging.MessagingExtensions.MisEventsExchange, binding =>
            {
                binding.ExchangeType = "topic";
                binding.RoutingKey = RoutingKey;
            });
            e.ConfigureConsumer<MisConsentEventConsumer>(context);
        });
}
