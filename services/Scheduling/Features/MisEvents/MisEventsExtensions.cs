using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
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
        bus.AddConsumer<ReactivationConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddBatchedMessage<Comms.Contracts.Delivery.MessageStatusChanged>();
        bus.AddConsumer<MessageStatusChangedConsumer>(typeof(MessageStatusChangedConsumerDefinition));
        bus.AddConsumer<Replies.PatientRepliedConsumer>();
    }

    /// <summary>Appointment and patient events, from <c>mis.events</c>.</summary>
    public static void ReceiveMisEvents(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.ReceiveMisEvents<MisAppointmentEventConsumer>(context, QueueName, "appointment.*", MisEventTypes.PatientUpdated);
        cfg.ReceiveRawCloudEvents<ReactivationConsumer, RawCommsEvent>(
            context, MessagingExtensions.CommsEventsExchange, ReactivationConsumer.QueueName, Comms.Contracts.Audience.ChurnSignals.EventType);
    }
}
