using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// "A conversation changed" for the open pages, across replicas: whoever changes a conversation sends
/// <c>pg_notify('inbox', 'clinic|conversation')</c> in its transaction (delivered on commit), and every replica
/// LISTENs and hands it to its subscribers — the pages' event streams. Only ids travel, never a text.
/// </summary>
public sealed partial class LiveFeed(IConfiguration configuration, ILogger<LiveFeed> logger) : BackgroundService
{
    public const string Channel = "inbox";

    private readonly ConcurrentDictionary<Guid, Subscriber> _subscribers = new();

    public sealed record Change(string ClinicId, Guid ConversationId);

    private sealed record Subscriber(Func<string, bool> Sees, Channel<Change> Changes);

    /// <summary>The changes of the clinics <paramref name="sees"/> admits, until <paramref name="cancellationToken"/> ends.</summary>
    public async IAsyncEnumerable<Change> SubscribeAsync(Func<string, bool> sees, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var subscriber = new Subscriber(sees, System.Threading.Channels.Channel.CreateBounded<Change>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest }));
        _subscribers[id] = subscriber;
        try
        {
            await foreach (var change in subscriber.Changes.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Database"));
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Publish(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                LogListening(logger);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogLost(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Publish(string payload)
    {
        var bar = payload.LastIndexOf('|');
        if (bar <= 0 || !Guid.TryParse(payload.AsSpan(bar + 1), out var conversationId))
        {
            return;
        }

        var change = new Change(payload[..bar], conversationId);
        foreach (var subscriber in _subscribers.Values.Where(s => s.Sees(change.ClinicId)))
        {
            subscriber.Changes.Writer.TryWrite(change);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for the inbox's changes")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The inbox's change feed lost its connection; listening again")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
