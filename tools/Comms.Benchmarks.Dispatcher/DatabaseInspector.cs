using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>A measured send as the database has it afterwards.</summary>
public sealed record StreamSendRow(Guid MessageId, DateTimeOffset DueAt, string Status, DateTimeOffset? DispatchedAt);

/// <summary>Scans and rows read on one table (pg_stat_user_tables).</summary>
public sealed record TableActivity(long SeqScans, long SeqRowsRead, long IndexScans, long IndexRowsFetched)
{
    public TableActivity Since(TableActivity start) => new(
        SeqScans - start.SeqScans, SeqRowsRead - start.SeqRowsRead, IndexScans - start.IndexScans, IndexRowsFetched - start.IndexRowsFetched);
}

/// <summary>What EXPLAIN ANALYZE says of one of the dispatcher's queries.</summary>
public sealed record QueryPlan(string Query, double ExecutionMs, string Access, IReadOnlyList<string> Lines);

/// <summary>Reads the benchmark database: the state of the sends, table activity, and the dispatcher's query plans.</summary>
public sealed partial class DatabaseInspector(string connectionString)
{
    /// <summary>The due query of <c>DueDispatcher</c>, less <c>FOR UPDATE SKIP LOCKED</c> (read-only, locks nothing).</summary>
    private const string DueQuery = """
        SELECT * FROM scheduled_sends
        WHERE "Status" = 'pending' AND "DueAt" <= $1
        ORDER BY "DueAt"
        LIMIT $2
        """;

    /// <summary>The dispatcher's appointment lookup: key by key through the primary key.</summary>
    private const string AppointmentQuery = """
        SELECT a.* FROM unnest($1::text[], $2::text[]) AS k("ClinicId", "AppointmentId")
        JOIN appointments a ON a."ClinicId" = k."ClinicId" AND a."AppointmentId" = k."AppointmentId"
        """;

    public async Task<string> ServerVersionAsync(CancellationToken cancellationToken) =>
        (string)(await ScalarAsync("SHOW server_version", cancellationToken))!;

    public async Task<Dictionary<string, long>> StatusCountsAsync(string clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "Status", count(*) FROM scheduled_sends WHERE "ClinicId" = $1 GROUP BY 1""", connection)
        {
            CommandTimeout = 0,
        };
        command.Parameters.Add(new NpgsqlParameter { Value = clinicId });
        var counts = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<List<StreamSendRow>> StreamSendsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """SELECT "MessageId", "DueAt", "Status", "DispatchedAt" FROM scheduled_sends WHERE "ClinicId" = $1""", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SendSeeder.StreamClinic });
        var rows = new List<StreamSendRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StreamSendRow(
                reader.GetGuid(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    /// <summary>Cumulative scans of appointments and scheduled_sends since the database was created.</summary>
    public async Task<Dictionary<string, TableActivity>> TableActivityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT relname, coalesce(seq_scan, 0), coalesce(seq_tup_read, 0), coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0)
            FROM pg_stat_user_tables WHERE relname IN ('appointments', 'scheduled_sends')
            """, connection);
        var activity = new Dictionary<string, TableActivity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            activity[reader.GetString(0)] = new TableActivity(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }

        return activity;
    }

    /// <summary>EXPLAIN ANALYZE of the dispatcher's due query as of now, with its batch size.</summary>
    public Task<QueryPlan> ExplainDueQueryAsync(int batchSize, CancellationToken cancellationToken) =>
        ExplainAsync("due sends", DueQuery, cancellationToken,
            new NpgsqlParameter { Value = DateTimeOffset.UtcNow, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new NpgsqlParameter { Value = batchSize, NpgsqlDbType = NpgsqlDbType.Integer });

    /// <summary>EXPLAIN ANALYZE of the dispatcher's appointment lookup for one batch of measured sends.</summary>
    public Task<QueryPlan> ExplainAppointmentLookupAsync(int batchSize, int measured, CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(measured / 2, Math.Min(batchSize, measured - measured / 2)).Select(SendSeeder.StreamAppointmentId).ToArray();
        return ExplainAsync("appointments of a batch", AppointmentQuery, cancellationToken,
            new NpgsqlParameter { Value = ids.Select(_ => SendSeeder.StreamClinic).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }

    private async Task<QueryPlan> ExplainAsync(string name, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // TIMING OFF: timing every row of a sequential scan would add more than the scan itself costs.
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) " + sql, connection);
        command.Parameters.AddRange(parameters);
        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(reader.GetString(0));
            }
        }

        var time = lines.Select(l => ExecutionTime().Match(l)).FirstOrDefault(m => m.Success);
        var access = lines.Select(l => AccessNode().Match(l)).FirstOrDefault(m => m.Success);
        return new QueryPlan(
            name,
            time is null ? double.NaN : double.Parse(time.Groups[1].Value, CultureInfo.InvariantCulture),
            access?.Groups[1].Value.Trim() ?? "?",
            lines);
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

    [GeneratedRegex(@"Execution Time: ([0-9.]+) ms")]
    private static partial Regex ExecutionTime();

    /// <summary>The first scan node of the plan: how the table is reached.</summary>
    [GeneratedRegex(@"((?:Parallel )?(?:Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)[^(]*)")]
    private static partial Regex AccessNode();
}
