using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// The queues this service consumes, learnt as MassTransit configures each receive endpoint (those of
/// <c>ConfigureEndpoints</c> and those configured by hand alike). On each it puts, after the move to the
/// <c>_error</c> queue, an alarm: a log entry at Error and <c>comms.messages.dead_lettered</c> on the Comms meter.
/// </summary>
public sealed partial class ReceiveQueues(CommsMetrics metrics, ILogger<ReceiveQueues> logger) : IEndpointConfigurationObserver
{
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];

    public void EndpointConfigured<T>(T configurator)
        where T : IReceiveEndpointConfigurator
    {
        var address = configurator.InputAddress;
        if (address.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase) ||
            address.Query.Contains("autodelete=true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var queue = address.Segments[^1].Trim('/');
        _names.TryAdd(queue, 0);
        configurator.ConfigureError(error =>
        {
            // MassTransit's own error pipe (a Fault event, then the move), with the alarm once the move is done.
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
            error.UseFilter(new DeadLetterAlarm(queue, metrics, logger));
        });
    }

    private sealed class DeadLetterAlarm(string queue, CommsMetrics metrics, ILogger logger) : IFilter<ExceptionReceiveContext>
    {
        public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
        {
            var exception = context.Exception.GetBaseException();
            metrics.DeadLettered.Add(1,
                new KeyValuePair<string, object?>("queue", queue),
                new KeyValuePair<string, object?>("exception", exception.GetType().Name));
            LogDeadLettered(logger, context.GetMessageId()?.ToString() ?? "(none)", queue, exception.GetType().Name, exception.Message);
            await next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("dead-letter-alarm");
    }

    // The reason is the exception's message, as in the MT-Fault-Message header: Comms' own rejections never quote
    // the message they refuse, and PostgreSQL's details (which may carry values) are not sent to the client.
    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved from {Queue} to {Queue}_error ({ExceptionType}: {Reason}); it waits there for an operator")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string queue, string exceptionType, string reason);
}

/// <summary>
/// Counts the messages waiting in a queue, over a connection of its own (the bus's is MassTransit's): a passive
/// declare, so nothing is created and nothing is taken.
/// </summary>
public sealed class BrokerQueueCounter(IOptions<RabbitMqOptions> options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    /// <summary>How many messages wait in <paramref name="queue"/>; 0 when it does not exist.</summary>
    public async Task<uint> CountAsync(string queue, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            try
            {
                return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
            {
                // No such queue (MassTransit makes an _error queue with its first message); the broker closed the channel.
                await _channel!.DisposeAsync();
                _channel = null;
                return 0;
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
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true })
        {
            return _channel;
        }

        if (_connection is not { IsOpen: true })
        {
            await ResetAsync();
            var settings = options.Value;
            _connection = await new ConnectionFactory
            {
                HostName = settings.Host,
                Port = settings.Port,
                VirtualHost = settings.VirtualHost,
                UserName = settings.Username,
                Password = settings.Password,
                ClientProvidedName = "comms-queue-counter",
            }.CreateConnectionAsync(cancellationToken);
        }

        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return _channel;
    }

    private async Task ResetAsync()
    {
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

/// <summary>
/// Degraded (HTTP 200: the service works, the other messages flow) while any of the service's queues has messages in
/// its <c>_error</c> queue (they failed for good and wait for an operator) or its <c>_skipped</c> queue (no consumer of
/// this release takes them), naming each queue and how many. An answer is reused for a few seconds: a readiness probe
/// polled fast (a start-up script) asks the broker no more often than that.
/// </summary>
public sealed class ErrorQueuesHealthCheck(ReceiveQueues queues, BrokerQueueCounter counter, TimeProvider time) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(3);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && time.GetUtcNow() - last.At < Reuse)
            {
                return last.Result;
            }

            var result = await CountAsync(cancellationToken);
            _last = (time.GetUtcNow(), result);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<HealthCheckResult> CountAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        try
        {
            foreach (var queue in queues.Names)
            {
                if (await counter.CountAsync(queue + "_error", cancellationToken) is > 0 and var failed)
                {
                    problems.Add($"{queue}_error: {failed} message(s) that failed for good, each with its reason in MT-Fault-Message");
                }

                if (await counter.CountAsync(queue + "_skipped", cancellationToken) is > 0 and var skipped)
                {
                    problems.Add($"{queue}_skipped: {skipped} message(s) no consumer here takes");
                }
            }
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or IOException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"could not count the error queues: {ex.Message}");
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{queues.Names.Count} queue(s), none with failed or skipped messages")
            : HealthCheckResult.Degraded(string.Join("; ", problems) + ". See docs/operations.md, \"Messages in an _error queue\"");
    }

    public void Dispose() => _gate.Dispose();
}
