using System.Net.Sockets;
using Comms.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Comms.ServiceDefaults.Tests;

/// <summary>Which failures a consumer waits out for minutes, and which go to the _error queue after a few quick tries.</summary>
public sealed class TransientFailuresTests
{
    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "connection broken mid-query", new NpgsqlException("Exception while reading from stream", new IOException("reset")), true },
        { "a failover: the server shutting down", new PostgresException("terminating connection", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), true },
        { "a serialization failure, wrapped by EF Core", new DbUpdateException("save failed", new PostgresException("could not serialize", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure)), true },
        { "a command timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException()), true },
        { "the broker away", new BrokerUnreachableException(new IOException("refused")), true },
        { "the channel closed under it", new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED")), true },
        { "a unique violation", new DbUpdateException("save failed", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)), false },
        { "a value too long", new PostgresException("value too long", "ERROR", "ERROR", PostgresErrorCodes.StringDataRightTruncation), false },
        { "no such exchange", new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 404, "NOT_FOUND")), false },
        { "a rejected message", new MessageRejectedException("data.channel: must be one of sms, whatsapp, email, max"), false },
        { "a bug", new InvalidOperationException("Sequence contains no elements"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_what_a_later_try_can_get_past_is_transient(string what, Exception exception, bool transient) =>
        Assert.True(TransientFailures.Is(exception) == transient, $"{what}: expected transient={transient}");
}
