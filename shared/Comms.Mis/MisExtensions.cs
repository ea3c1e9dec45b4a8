using Comms.ServiceDefaults.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comms.Mis;

/// <summary>
/// The MIS's side of a service: its events read and applied (<see cref="MisEventConsumer"/>, on the queues
/// <see cref="MisEventsEndpoint"/> binds), and the events for it written to the outbox as CloudEvents on
/// <c>comms.events</c> (<see cref="CommsCloudEvents"/>, <see cref="MessageStatusPublisher"/>). The infrastructure under
/// it (bus, outbox, inbox) is ServiceDefaults'.
/// </summary>
public static class MisExtensions
{
    public static IHostApplicationBuilder AddMisIntegration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddBatchedMessage<RawMisEvent>(); // MisEventConsumer: batches, the inbox keyed by the CloudEvent's source and id
        builder.Services.AddSingleton<CommsCloudEvents>();
        builder.Services.AddSingleton<MessageStatusPublisher>();
        return builder;
    }
}
