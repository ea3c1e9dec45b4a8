using System.Text.Json;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comms.ServiceDefaults.Persistence;

public sealed class OutboxOptions
{
    /// <summary>Set false to keep messages in the outbox (used to prove nothing is lost when a process dies).</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>How often the relay looks for rows when no commit woke it (rows left by a crashed process, other replicas).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public int BatchSize { get; set; } = 100;
}

/// <summary>
/// Publishes committed outbox rows with publisher confirms, then deletes them. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several replicas relay side by side without publishing a row twice.
/// A crash between publish and delete republishes the row with the same message id: consumers' inboxes drop it.
/// The rows of a batch are published side by side and their confirms awaited together (one at a time, each waiting
/// for its confirm, a relay managed about 60 rows/s here: far behind a gateway writing six status events per SMS).
/// No consumer relies on the order of publication (consumers run concurrently anyway; events carry their time or
/// sequence). A row that fails stays, with its error and attempt count, and does not hold back the others.
/// </summary>
public sealed partial class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    RawCloudEventPublisher rawPublisher,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService
    where TDbContext : ServiceDbContext
{
    private static readonly Dictionary<string, Type?> Types = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RelayEnabled)
        {
            LogRelayDisabled(logger);
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                relayed = await RelayBatchAsync(settings.BatchSize, stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                LogRelayFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures * 2)), stoppingToken);
                continue;
            }

            if (relayed < settings.BatchSize)
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<int> RelayBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var rows = await db.OutboxMessages
            .FromSql($"SELECT * FROM outbox_messages ORDER BY \"Id\" LIMIT {batchSize} FOR UPDATE SKIP LOCKED")
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return 0;
        }

        var outcomes = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                await PublishAsync(row, cancellationToken);
                return (Row: row, Error: (Exception?)null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return (Row: row, Error: ex);
            }
        }));

        Exception? failure = null;
        foreach (var (row, error) in outcomes)
        {
            if (error is null)
            {
                db.OutboxMessages.Remove(row);
                continue;
            }

            row.Attempts++;
            row.LastError = error.Message.Length > 2000 ? error.Message[..2000] : error.Message;
            failure ??= error;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (failure is not null)
        {
            throw new InvalidOperationException("Publishing from the outbox failed; the rows that failed stay for the next try.", failure);
        }

        return rows.Count;
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        if (row.MessageType == Outbox.CloudEventType)
        {
            await rawPublisher.PublishAsync(row.Exchange!, row.RoutingKey!, row.Body, row.MessageId, cancellationToken);
            return;
        }

        var type = ResolveType(row.MessageType)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} names an unknown message type '{row.MessageType}'.");
        var message = JsonSerializer.Deserialize(row.Body, type, Outbox.SerializerOptions)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body.");
        await bus.Publish(message, type, context => context.MessageId = row.MessageId, cancellationToken);
    }

    private static Type? ResolveType(string name)
    {
        lock (Types)
        {
            if (!Types.TryGetValue(name, out var type))
            {
                type = Type.GetType(name);
                Types[name] = type;
            }

            return type;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay is disabled by configuration (Outbox:RelayEnabled=false); messages stay in the outbox")]
    private static partial void LogRelayDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay could not publish; retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
