using System.Text;
using RabbitMQ.Client;

namespace Comms.Testing;

/// <summary>
/// A real AMQP client in a test's virtual host: publishes raw CloudEvents as the MIS does, and listens on a queue
/// bound to an exchange to see what Comms published.
/// </summary>
public sealed class RabbitQueueProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private IChannel _channel;

    private RabbitQueueProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<RabbitQueueProbe> ConnectAsync(string virtualHost)
    {
        var endpoints = await TestInfrastructure.GetAsync();
        var factory = new ConnectionFactory
        {
            HostName = endpoints.RabbitHost,
            Port = endpoints.RabbitPort,
            UserName = endpoints.RabbitUser,
            Password = endpoints.RabbitPassword,
            VirtualHost = virtualHost,
        };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new RabbitQueueProbe(connection, channel);
    }

    /// <summary>Publishes as the MIS does: durable topic exchange, routing key = type, plain JSON, persistent.</summary>
    public async Task PublishAsync(string exchange, string routingKey, string json)
    {
        await _channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true);
        var properties = new BasicProperties { ContentType = "application/cloudevents+json", DeliveryMode = DeliveryModes.Persistent };
        await _channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Declares a queue bound to <paramref name="exchange"/> with <paramref name="routingKey"/>.</summary>
    public async Task<string> BindQueueAsync(string exchange, string routingKey, string exchangeType = ExchangeType.Topic)
    {
        await _channel.ExchangeDeclareAsync(exchange, exchangeType, durable: true);
        var queue = await _channel.QueueDeclareAsync($"probe-{Guid.NewGuid():N}", durable: false, exclusive: true, autoDelete: true);
        await _channel.QueueBindAsync(queue.QueueName, exchange, routingKey);
        return queue.QueueName;
    }

    /// <summary>Takes the next message of a queue, or null when it is empty or not declared yet.</summary>
    public async Task<ReceivedMessage?> GetAsync(string queue)
    {
        BasicGetResult? result;
        try
        {
            result = await _channel.BasicGetAsync(queue, autoAck: true);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            // The broker closes a channel that asks for a missing queue; carry on with a fresh one.
            await _channel.DisposeAsync();
            _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            return null;
        }

        return result is null
            ? null
            : new ReceivedMessage(Encoding.UTF8.GetString(result.Body.Span), result.RoutingKey, result.BasicProperties.Headers ?? new Dictionary<string, object?>());
    }

    /// <summary>
    /// Waits for a message on <paramref name="queue"/> whose JSON body matches, skipping the others: tests sharing a
    /// virtual host see each other's events. For CloudEvents the body is the event itself.
    /// </summary>
    public Task<System.Text.Json.JsonElement> WaitForAsync(string queue, Func<System.Text.Json.JsonElement, bool> match, TimeSpan timeout, string what) =>
        WaitForAsync(queue, match, timeout, () => what);

    /// <summary>As above; <paramref name="what"/> is read only on a timeout, so it can carry the services' logs as they are then.</summary>
    public async Task<System.Text.Json.JsonElement> WaitForAsync(string queue, Func<System.Text.Json.JsonElement, bool> match, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            while (await GetAsync(queue) is { } received)
            {
                var body = System.Text.Json.JsonDocument.Parse(received.Body).RootElement;
                if (match(body))
                {
                    return body;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what()} on {queue}.");
    }

    /// <summary>As <see cref="WaitForAsync"/>, for MassTransit messages: matches and returns the envelope's "message".</summary>
    public Task<System.Text.Json.JsonElement> WaitForMessageAsync(string queue, Func<System.Text.Json.JsonElement, bool> match, TimeSpan timeout, string what) =>
        WaitForMessageAsync(queue, match, timeout, () => what);

    public async Task<System.Text.Json.JsonElement> WaitForMessageAsync(string queue, Func<System.Text.Json.JsonElement, bool> match, TimeSpan timeout, Func<string> what) =>
        (await WaitForAsync(queue, body => match(body.GetProperty("message")), timeout, what)).GetProperty("message");

    /// <summary>
    /// Takes every message <paramref name="queue"/> holds now. Once a publisher has its confirms, its messages are all
    /// in the queue: drain after the publisher is known to be done, not to wait for it.
    /// </summary>
    public async Task<List<ReceivedMessage>> DrainAsync(string queue)
    {
        var messages = new List<ReceivedMessage>();
        while (await GetAsync(queue) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    public async Task<uint> CountAsync(string queue) => await _channel.MessageCountAsync(queue);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

public sealed record ReceivedMessage(string Body, string RoutingKey, IDictionary<string, object?> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    } : null;
}
