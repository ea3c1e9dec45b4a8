using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// Publishes CloudEvents as plain JSON (no MassTransit envelope) to durable topic exchanges, with publisher
/// confirms: the form non-.NET systems such as the MIS read and write.
/// </summary>
public sealed class RawCloudEventPublisher(IOptions<RabbitMqOptions> options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _declared = [];
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>
    /// Completes when the broker confirmed. Safe to call side by side: the channel is shared and publishes are
    /// pipelined (RabbitMQ.Client 7 tracks each confirm), so a batch waits for its confirms together.
    /// </summary>
    public async Task PublishAsync(string exchange, string routingKey, string json, Guid messageId, CancellationToken cancellationToken)
    {
        IChannel channel;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            channel = await GetChannelAsync(cancellationToken);
            if (!_declared.Contains(exchange))
            {
                await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                _declared.Add(exchange);
            }
        }
        catch
        {
            await ResetAsync();
            throw;
        }
        finally
        {
            _gate.Release();
        }

        var properties = new BasicProperties
        {
            ContentType = "application/cloudevents+json",
            ContentEncoding = "utf-8",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = messageId.ToString(),
        };
        try
        {
            // With confirmations tracked, this completes when the broker confirmed and throws when it refused.
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, Encoding.UTF8.GetBytes(json), cancellationToken);
        }
        catch
        {
            // A broken channel is replaced once, by whichever publish noticed first.
            await _gate.WaitAsync(CancellationToken.None);
            try
            {
                if (ReferenceEquals(_channel, channel))
                {
                    await ResetAsync();
                }
            }
            finally
            {
                _gate.Release();
            }

            throw;
        }
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        await ResetAsync();
        var settings = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = settings.Host,
            Port = settings.Port,
            VirtualHost = settings.VirtualHost,
            UserName = settings.Username,
            Password = settings.Password,
            ClientProvidedName = "comms-cloudevents-publisher",
        };
        _connection = await factory.CreateConnectionAsync(cancellationToken);
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        return _channel;
    }

    private async Task ResetAsync()
    {
        _declared.Clear();
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
            _channel = null;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }
}
