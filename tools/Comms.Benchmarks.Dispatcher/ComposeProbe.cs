using System.Text.Json;
using Comms.Benchmarks.Audience;
using Comms.Contracts.Scheduling;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>One ComposeMessage seen on the bus: the send's message id and when it arrived.</summary>
public readonly record struct Arrival(Guid MessageId, DateTimeOffset At);

/// <summary>
/// A queue of its own bound to MassTransit's message-type exchange for <see cref="ComposeMessage"/>, so it gets a
/// copy of every ComposeMessage Scheduling publishes, next to whatever real consumer (Templating) is bound there.
/// Each arrival is stamped on receipt; the id is the send's, from the envelope's <c>message.messageId</c>.
/// </summary>
public sealed class ComposeProbe : IAsyncDisposable
{
    /// <summary>MassTransit's exchange for a message type: "Namespace:Name", fanout.</summary>
    public static readonly string Exchange = $"{typeof(ComposeMessage).Namespace}:{nameof(ComposeMessage)}";

    private readonly List<Arrival> _arrivals = new(capacity: 1 << 16);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private int _unreadable;
    private StreamPlan? _plan;
    private bool[] _seen = [];
    private int _measuredReceived;

    private ComposeProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public int Count
    {
        get
        {
            lock (_arrivals)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Measured sends (of the plan given to <see cref="Expect"/>) received at least once.</summary>
    public int MeasuredReceived
    {
        get
        {
            lock (_arrivals)
            {
                return _measuredReceived;
            }
        }
    }

    /// <summary>Messages whose body held no <c>message.messageId</c>.</summary>
    public int Unreadable => Volatile.Read(ref _unreadable);

    public static async Task<ComposeProbe> StartAsync(InfrastructureSettings infrastructure, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = infrastructure.RabbitHost,
            Port = infrastructure.RabbitPort,
            UserName = infrastructure.RabbitUser,
            Password = infrastructure.RabbitPassword,
            VirtualHost = InfrastructureSettings.VirtualHost,
            ClientProvidedName = "comms-benchmark-probe",
        };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var probe = new ComposeProbe(connection, channel);

        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, cancellationToken: cancellationToken);
        var queue = await channel.QueueDeclareAsync("benchmark-compose-probe", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue.QueueName, Exchange, "", cancellationToken: cancellationToken);

        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            probe.Record(delivery.Body.Span, DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);
        return probe;
    }

    /// <summary>The measured sends, so <see cref="MeasuredReceived"/> counts each once however often it arrives.</summary>
    public void Expect(StreamPlan plan)
    {
        lock (_arrivals)
        {
            _plan = plan;
            _seen = new bool[plan.Count];
            _measuredReceived = 0;
        }
    }

    public List<Arrival> Snapshot()
    {
        lock (_arrivals)
        {
            return [.. _arrivals];
        }
    }

    private void Record(ReadOnlySpan<byte> body, DateTimeOffset at)
    {
        if (!TryReadMessageId(body, out var messageId))
        {
            Interlocked.Increment(ref _unreadable);
            return;
        }

        lock (_arrivals)
        {
            _arrivals.Add(new Arrival(messageId, at));
            if (_plan is not null && _plan.TryIndexOf(messageId, out var index) && !_seen[index])
            {
                _seen[index] = true;
                _measuredReceived++;
            }
        }
    }

    private static bool TryReadMessageId(ReadOnlySpan<byte> body, out Guid messageId)
    {
        messageId = default;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessage = reader.ValueTextEquals("message"u8);
                reader.Read();
                if (!isMessage)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("messageId"u8);
                    reader.Read();
                    if (isId)
                    {
                        return reader.TryGetGuid(out messageId);
                    }

                    reader.Skip();
                }

                return false;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
