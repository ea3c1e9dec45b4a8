using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using MassTransit;

namespace Comms.Audience.Features.Channels;

public static class ChannelsExtensions
{
    public static IHostApplicationBuilder AddChannels(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ChannelReports>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddChannelConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<MessageFactsConsumer>();
        bus.AddConsumer<ConsentFactsConsumer>();
        bus.AddConsumer<AnswersConsumer>().ExcludeFromConfigureEndpoints();
        return bus;
    }

    public static void ReceiveAnswers(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveRawCloudEvents<AnswersConsumer, RawCommsEvent>(
            context, MessagingExtensions.CommsEventsExchange, AnswersConsumer.QueueName, AnswersConsumer.Confirmed, AnswersConsumer.CancellationRequested);
}
