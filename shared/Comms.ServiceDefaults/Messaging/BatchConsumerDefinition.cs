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
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        Batching.Configure(endpointConfigurator, consumerConfigurator, batchSize, timeLimit);
}

/// <summary>How every batched endpoint is set up (see <see cref="BatchConsumerDefinition{TConsumer}"/>).</summary>
public static class Batching
{
    public const int BatchesAtOnce = 2;

    /// <param name="batchesAtOnce">How many batches run side by side; one keeps the queue's order (per replica).</param>
    public static void Configure<TConsumer>(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, int batchSize, TimeSpan timeLimit,
        int batchesAtOnce = BatchesAtOnce)
        where TConsumer : class
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = BatchesAtOnce * batchSize;
        }

        // The next batch gathers while one runs, even where only one runs at a time.
        endpointConfigurator.ConcurrentMessageLimit = BatchesAtOnce * batchSize;
        consumerConfigurator.Options<BatchOptions>(options => options
            .SetMessageLimit(batchSize)
            .SetTimeLimit(timeLimit)
            .SetConcurrencyLimit(batchesAtOnce));
    }
}
