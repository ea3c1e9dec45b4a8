using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.Scheduling.Features.MisEvents;

public static class MisEventsExtensions
{
    public const string QueueName = "scheduling-mis-events";

    public static IHostApplicationBuilder AddMisEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MisOptions>().BindConfiguration(MisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static void AddSchedulingConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MisAppointmentEventConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<MessageStatusChangedConsumer>();
        bus.AddConsumer<Replies.PatientRepliedConsumer>();
    }

    /// <summary>
    /// The queue for MIS events: bound to the <c>mis.events</c> topic exchange by event type, read as raw JSON
    /// (the MIS sends plain CloudEvents, no MassTransit envelope).
    /// </summary>
    public static void ReceiveMisEvents(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.ReceiveEndpoint(QueueName, endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ClearSerialization();
            endpoint.UseRawJsonSerializer(RawSerializerOptions.AnyMessageType, isDefault: true);
            foreach (var type in new[] { "appointment.*", MisEventTypes.PatientUpdated })
            {
                endpoint.Bind(MessagingExtensions.MisEventsExchange, binding =>
                {
                    binding.ExchangeType = "topic";
                    binding.RoutingKey = type;
                });
            }

            endpoint.ConfigureConsumer<MisAppointmentEventConsumer>(context);
        });
    }
}
