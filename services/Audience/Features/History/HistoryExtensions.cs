using Comms.Audience.Features.Imports;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using MassTransit;

namespace Comms.Audience.Features.History;

public static class HistoryExtensions
{
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<HistoryProjection>();
        builder.Services.AddScoped<HistoryImporter>();
        builder.Services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.MaxFileBytes > 0 && o.MaxStoredRejections >= 0 && o.MaxReportedRejections >= 0, "Audience:Imports limits must be positive")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Registered, but left out of ConfigureEndpoints: its queue is bound by hand to <c>mis.events</c>.</summary>
    public static IBusRegistrationConfigurator AddHistoryConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MisHistoryConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<FeedbackReceivedConsumer>().ExcludeFromConfigureEndpoints();
        return bus;
    }

    public static void ReceiveHistory(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.ReceiveMisEvents<MisHistoryConsumer>(context, MisHistoryConsumer.QueueName, MisHistoryConsumer.RoutingKeys);
        cfg.ReceiveRawCloudEvents<FeedbackReceivedConsumer, RawCommsEvent>(
            context, MessagingExtensions.CommsEventsExchange, FeedbackReceivedConsumer.QueueName, FeedbackReceivedConsumer.RoutingKey);
    }
}
