using MassTransit;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// A consumer of <see cref="Batch{T}"/>: up to <paramref name="batchSize"/> messages a batch, gathered for at most
/// <paramref name="timeLimit"/> (a lone message waits no longer), two batches at a time, and as many prefetched as fill
/// them (the bus-wide prefetch would cap a batch at 16). Its message type is registered with
/// <see cref="Persistence.BatchInbox.AddBatchedMessage{T}"/>, and its consumer keeps the inbox with
/// <see cref="Persistence.BatchInbox.TryBeginBatchAsync{T}"/>.
/// </summary>
public abstract class BatchConsumerDefinition<TConsumer>(int batchSize, TimeSpan timeLimit) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    public const int BatchesAtOnce = 2;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = BatchesAtOnce * batchSize;
        }

        endpointConfigurator.ConcurrentMessageLimit = BatchesAtOnce * batchSize;
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(batchSize)
            .SetTimeLimit(timeLimit)
            .SetConcurrencyLimit(BatchesAtOnce));
    }
}
