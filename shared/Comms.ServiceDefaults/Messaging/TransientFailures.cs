using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Comms.ServiceDefaults.Messaging;

/// <summary>
/// Which failures a later try gets past with nothing changed: PostgreSQL unreachable, restarting, failing over or
/// refusing connections, a serialization failure or deadlock (Npgsql's own <see cref="NpgsqlException.IsTransient"/>),
/// a timeout, the broker away. Everything else — a rejected message, a bug, a rule broken — fails the same way again.
/// </summary>
public static class TransientFailures
{
    public static bool Is(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case MessageRejectedException:
                    return false;
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case BrokerUnreachableException or AlreadyClosedException:
                case MassTransit.RabbitMqConnectionException:
                    return true;
                case OperationInterruptedException interrupted:
                    // The broker refusing this very operation (no such exchange or queue, no permission, a mismatch)
                    // refuses it again; a connection or channel that went away does not.
                    return interrupted.ShutdownReason?.ReplyCode is not (403 or 404 or 405 or 406);
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(Is);
            }
        }

        return false;
    }
}
