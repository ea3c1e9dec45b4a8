using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.ServiceDefaults.Mis;

/// <summary>
/// What MassTransit hands a consumer for a raw MIS CloudEvent. It binds no fields on purpose: the consumer reads the
/// exact body with <see cref="MisEventReader"/>, so a malformed event (an "id" that is a number, say) reaches the
/// validator and the error queue with its reason instead of failing to deserialize.
/// </summary>
public sealed class RawMisEvent;

public static class MisEventsEndpoint
{
    /// <summary>
    /// A queue for MIS events: bound to the <c>mis.events</c> topic exchange by event type, read as raw JSON (the MIS
    /// sends plain CloudEvents, no MassTransit envelope). Register the consumer with <c>ExcludeFromConfigureEndpoints()</c>.
    /// </summary>
    public static void ReceiveMisEvents<TConsumer>(
        this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, string queueName, params string[] routingKeys)
        where TConsumer : class, IConsumer<RawMisEvent> =>
        cfg.ReceiveEndpoint(queueName, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ClearSerialization();
            endpoint.UseRawJsonSerializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            foreach (var routingKey in routingKeys)
            {
                endpoint.Bind(MessagingExtensions.MisEventsExchange, binding =>
                {
                    binding.ExchangeType = "topic";
                    binding.RoutingKey = routingKey;
                });
            }

            endpoint.ConfigureConsumer<TConsumer>(context);
        });

    /// <summary>Reads and validates the event exactly as it arrived.</summary>
    public static MisEventReadResult ReadMisEvent(this ConsumeContext<RawMisEvent> context) =>
        MisEventReader.Read(context.ReceiveContext.Body.GetBytes());
}
