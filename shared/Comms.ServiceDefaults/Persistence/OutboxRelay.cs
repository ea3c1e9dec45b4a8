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

    /// <summary>A row that failed this many times on its own (not because the broker was away) is set aside.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How often the rows set aside are tried again (a release that knows their type again publishes them).</summary>
    public TimeSpan SetAsideRetryInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Publishes committed outbox rows with publisher confirms, then deletes them. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several replicas relay side by side without publishing a row twice.
/// A crash between publish and delete republishes the row with the same message id: consumers' inboxes drop it.
/// The rows of a batch are published side by side and their confirms awaited together (one at a time, each waiting
/// for its confirm, a relay managed about 60 rows/s here: far behind a gateway writing six status events per SMS).
/// No consumer relies on the order of publication (consumers run concurrently anyway; events carry their time or
/// sequence).
/// A row that fails does not hold back the others. A failure that is the row's own — its type is unknown here, its
/// body does not read, or the broker refused it while taking the rest of the batch — counts as an attempt, and after
/// <see cref="OutboxOptions.MaxAttempts"/> the row is set aside with its error (logged, counted on the Comms meter,
/// named in <c>/health/ready</c>): the batches after it skip it, and it is tried again every
/// <see cref="OutboxOptions.SetAsideRetryInterval"/>. A batch in which nothing could be published (the broker is away)
/// counts against no row: the relay backs off and tries the same rows again.
/// </summary>
public sealed partial class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    RawCloudEventPublisher rawPublisher,
    OutboxSignal signal,
    CommsMetrics metrics,
    TimeProvider time,
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
        var setAsideDue = time.GetUtcNow() + settings.SetAsideRetryInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            int relayed;
            try
            {
                if (time.GetUtcNow() >= setAsideDue)
                {
                    setAsideDue = time.GetUtcNow() + settings.SetAsideRetryInterval;
                    await RelayBatchAsync(settings, setAside: true, stoppingToken);
                }

                relayed = await RelayBatchAsync(settings, setAside: false, stoppingToken);
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                LogRelayFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures * 2)), time, stoppingToken);
                continue;
            }

            if (relayed < settings.BatchSize)
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>One batch: the oldest rows not set aside, or (<paramref name="setAside"/>) the oldest set aside.</summary>
    private async Task<int> RelayBatchAsync(OutboxOptions settings, bool setAside, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        db.Database.AutoSavepointsEnabled = false; // one SaveChanges per batch; a failed batch is tried again whole
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var rows = await (setAside
            ? db.OutboxMessages.FromSql($"""
                SELECT * FROM outbox_messages WHERE "Attempts" >= {settings.MaxAttempts}
                ORDER BY "Id" LIMIT {settings.BatchSize} FOR UPDATE SKIP LOCKED
                """)
            : db.OutboxMessages.FromSql($"""
                SELECT * FROM outbox_messages WHERE "Attempts" < {settings.MaxAttempts}
                ORDER BY "Id" LIMIT {settings.BatchSize} FOR UPDATE SKIP LOCKED
                """))
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

        // A row's own failure counts whatever the broker does; a refused publish counts only when the broker took
        // others of the batch: when nothing went out, the broker is away and no row is to blame.
        var anyPublished = outcomes.Any(o => o.Error is null);
        Exception? brokerFailure = null;
        var newlySetAside = new List<OutboxMessage>();
        foreach (var (row, error) in outcomes)
        {
            if (error is null)
            {
                db.OutboxMessages.Remove(row);
                continue;
            }

            row.LastError = error.Message.Length > 2000 ? error.Message[..2000] : error.Message;
            if (error is not UnpublishableRowException && !anyPublished)
            {
                brokerFailure ??= error;
                continue;
            }

            row.Attempts++;
            if (row.Attempts == settings.MaxAttempts)
            {
                newlySetAside.Add(row);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var row in newlySetAside)
        {
            metrics.OutboxSetAside.Add(1, new KeyValuePair<string, object?>("message_type", row.MessageType));
            LogSetAside(logger, row.Id, row.MessageType, row.Attempts, row.LastError!);
        }

        if (brokerFailure is not null && !setAside)
        {
            throw new InvalidOperationException("Publishing from the outbox failed; the rows stay for the next try.", brokerFailure);
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
            ?? throw new UnpublishableRowException($"Outbox row {row.Id} names an unknown message type '{row.MessageType}'.");
        object? message;
        try
        {
            message = JsonSerializer.Deserialize(row.Body, type, Outbox.SerializerOptions);
        }
        catch (JsonException ex)
        {
            // System.Text.Json names the path and position, never the value.
            throw new UnpublishableRowException($"Outbox row {row.Id}: its body does not read as {type.Name}: {ex.Message}");
        }

        await bus.Publish(message ?? throw new UnpublishableRowException($"Outbox row {row.Id} has an empty body."),
            type, context => context.MessageId = row.MessageId, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Id} ({MessageType}) set aside after {Attempts} failed publishes; the others go on. Last error: {Error}")]
    private static partial void LogSetAside(ILogger logger, long id, string messageType, int attempts, string error);
}

/// <summary>A row that cannot be turned into a message here, whatever the broker does.</summary>
internal sealed class UnpublishableRowException(string message) : Exception(message);
