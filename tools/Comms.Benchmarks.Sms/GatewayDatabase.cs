using Comms.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Benchmarks.Sms;

/// <summary>A message as the gateway's <c>messages</c> table has it afterwards.</summary>
public sealed record MessageRow(
    Guid MessageId, string Contact, string Status, string? Reason, int Attempts, int? Segments,
    string? ProviderMessageId, DateTimeOffset CreatedAt, DateTimeOffset? AcceptedAt, DateTimeOffset UpdatedAt);

/// <summary>Counts by status while the run goes on.</summary>
public sealed record Progress(long Total, long Queued, long Accepted, long Delivered, long Blocked, long Failed);

/// <summary>Reads and, for the consent shortcut, writes the gateway's database.</summary>
public sealed class GatewayDatabase(string connectionString)
{
    public async Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        (string)(await ScalarAsync("SHOW server_version", cancellationToken))!;

    public async Task<Progress> ProgressAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT count(*),
                   count(*) FILTER (WHERE "Status" = 'queued'),
                   count(*) FILTER (WHERE "Status" IN ('accepted', 'sent', 'delivered')),
                   count(*) FILTER (WHERE "Status" = 'delivered'),
                   count(*) FILTER (WHERE "Status" = 'blocked'),
                   count(*) FILTER (WHERE "Status" IN ('failed-permanent', 'failed-temporary', 'expired'))
            FROM messages
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Progress(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    /// <summary>Rows of the consent projection: granted, and all.</summary>
    public async Task<(long Granted, long All)> ConsentCountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT count(*) FILTER (WHERE "Granted"), count(*) FROM consent_projection""", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Outbox rows not yet relayed to the broker (status events for Comms and the MIS).</summary>
    public async Task<long> OutboxBacklogAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("SELECT count(*) FROM outbox_messages", cancellationToken))!;

    /// <summary>Status transitions recorded: each one put two events in the outbox (MessageStatusChanged and the MIS CloudEvent).</summary>
    /// <summary>
    /// Status changes the gateway told (each is a MessageStatusChanged and a CloudEvent in its outbox): every change it
    /// recorded, except a <c>queued</c> that the first provider call superseded at once (a message that never waited:
    /// no attempt of it ended other than accepted), which is recorded but not told (DeliveryRecorder).
    /// </summary>
    public async Task<long> StatusChangesToldAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync("""
            SELECT count(*) FROM message_status_history h
            WHERE h."Status" <> 'queued'
               OR EXISTS (SELECT 1 FROM send_attempts a WHERE a."MessageId" = h."MessageId" AND a."Outcome" IS DISTINCT FROM 'accepted')
            """, cancellationToken))!;

    public async Task<List<MessageRow>> MessagesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT "MessageId", "Contact", "Status", "Reason", "Attempts", "Segments", "ProviderMessageId",
                   "CreatedAt", "AcceptedAt", "UpdatedAt"
            FROM messages
            """, connection);
        var rows = new List<MessageRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new MessageRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
                reader.GetInt32(4),
                await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetInt32(5),
                await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                await reader.IsDBNullAsync(8, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return rows;
    }

    /// <summary>Provider calls per message, from the attempts on record.</summary>
    public async Task<Dictionary<Guid, int>> AttemptsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "MessageId", count(*)::int FROM send_attempts GROUP BY 1""", connection);
        var attempts = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            attempts[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return attempts;
    }

    /// <summary>
    /// The shortcut for large runs: the consent projection's rows written with binary COPY, as the gateway's
    /// ConsentChangedConsumer would have left them (revoked ones with a later sequence). Only after the gateway's
    /// migrations ran.
    /// </summary>
    public async Task<int> CopyConsentAsync(Workload workload, CancellationToken cancellationToken)
    {
        var capturedAt = DateTimeOffset.UtcNow.AddDays(-30);
        var now = DateTimeOffset.UtcNow;
        await using var connection = await OpenAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync("""
            COPY consent_projection ("Contact", "Channel", "Purpose", "Granted", "Sequence", "Method", "ClinicId", "CapturedAt", "UpdatedAt")
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        var rows = 0;
        long sequence = 0;
        foreach (var sms in workload.Messages.Where(m => m.Consent != ConsentKind.None))
        {
            var revoked = sms.Consent == ConsentKind.Revoked;
            sequence += revoked ? 2 : 1;
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(sms.Phone, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(Channels.Sms, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(Purposes.Service, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(!revoked, NpgsqlDbType.Boolean, cancellationToken);
            await writer.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync("mis", NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(Workload.ClinicId, NpgsqlDbType.Varchar, cancellationToken);
            await writer.WriteAsync(revoked ? capturedAt.AddDays(1) : capturedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            rows++;
        }

        await writer.CompleteAsync(cancellationToken);
        return rows;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
