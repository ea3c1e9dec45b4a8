using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.Mis;

/// <summary>
/// What MassTransit hands a consumer for a raw MIS CloudEvent. It binds no fields on purpose: the consumer reads the
/// exact body with <see cref="MisEventReader"/>, so a malformed event (an "id" that is a number, say) reaches the
/// validator and the error queue with its reason instead of failing to deserialize.
/// </summary>
public sealed class RawMisEvent;

/// <summary>What MassTransit hands a consumer for a plain CloudEvent of Comms' own (read from the body as it arrived).</summary>
public sealed class RawCommsEvent;

public static class MisEventsEndpoint
{
    /// <summary>
    /// A queue for MIS events: bound to the <c>mis.events</c> topic exchange by event type, read as raw JSON (the MIS
    /// sends plain CloudEvents, no MassTransit envelope). Register the consumer with <c>ExcludeFromConfigureEndpoints()</c>.
    /// A <see cref="MisEventConsumer"/> takes them in batches; another consumer (of <see cref="RawMisEvent"/>) one at a time.
    /// </summary>
    public static void ReceiveMisEvents<TConsumer>(
        this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, string queueName, params string[] routingKeys)
        where TConsumer : class, IConsumer =>
        cfg.ReceiveRawCloudEvents<TConsumer, RawMisEvent>(context, MessagingExtensions.MisEventsExchange, queueName, routingKeys);

    /// <summary>
    /// A queue for plain CloudEvents (no MassTransit envelope) on a topic exchange, bound by event type: the MIS's on
    /// <c>mis.events</c>, or another service's for the MIS on <c>comms.events</c> (Audience reads <c>feedback.received</c>).
    /// </summary>
    public static void ReceiveRawCloudEvents<TConsumer, TMessage>(
        this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context, string exchange, string queueName, params string[] routingKeys)
        where TConsumer : class, IConsumer
        where TMessage : class =>
        cfg.ReceiveEndpoint(queueName, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ClearSerialization();
            endpoint.UseRawJsonSerializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            foreach (var routingKey in routingKeys)
            {
                endpoint.Bind(exchange, binding =>
                {
                    binding.ExchangeType = "topic";
                    binding.RoutingKey = routingKey;
                });
            }

            if (typeof(IConsumer<Batch<TMessage>>).IsAssignableFrom(typeof(TConsumer)))
            {
                endpoint.ConfigureConsumer<TConsumer>(context, consumer =>
                    Batching.Configure(endpoint, consumer, MisEventConsumer.BatchSize, MisEventConsumer.BatchTimeLimit, batchesAtOnce: 1));
            }
            else
            {
                endpoint.ConfigureConsumer<TConsumer>(context);
            }
        });

    /// <summary>Reads and validates the event exactly as it arrived.</summary>
    public static MisEventReadResult ReadMisEvent(this ConsumeContext<RawMisEvent> context) =>
        MisEventReader.Read(context.ReceiveContext.Body.GetBytes());
}
