using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Comms.Benchmarks.Audience;

/// <summary>A timed piece of SQL: how long, and how many rows it wrote or read.</summary>
public sealed record SqlTiming(TimeSpan Elapsed, long Rows)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
}

/// <summary>
/// The benchmark database as the tool sees it beside the service: the physical baselines (a bare binary COPY of the
/// same rows, the raw aggregate of the same history), and what the service wrote (its inbox, the visits of events).
/// </summary>
public sealed class AudienceDatabase(string connectionString)
{
    private const string BaselineTable = "bench_copy_baseline";

    public async Task<string> ServerVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return connection.PostgreSqlVersion + " (" + connection.ServerVersion + ")";
    }

    /// <summary>
    /// The physical limit of the import: the same rows, already parsed, by binary COPY into a bare unlogged table (no
    /// index, no key, no WAL), the table created and dropped outside the clock.
    /// </summary>
    public async Task<SqlTiming> CopyBaselineAsync(SyntheticClinic clinic, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"""
            DROP TABLE IF EXISTS {BaselineTable};
            CREATE UNLOGGED TABLE {BaselineTable} (patient_id text, day date, amount numeric, status text, discount numeric,
                service_code text, doctor_id text)
            """, cancellationToken);
        var clock = Stopwatch.StartNew();
        ulong written;
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {BaselineTable} (patient_id, day, amount, status, discount, service_code, doctor_id) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in clinic.Rows)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(SyntheticClinic.PatientId(row.Patient), NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(DateOnly.FromDayNumber(row.Day), NpgsqlDbType.Date, cancellationToken);
                if (row.Status == VisitStatus.Completed)
                {
                    await copy.WriteAsync(SyntheticClinic.Rubles(row.AmountKopecks), NpgsqlDbType.Numeric, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }

                await copy.WriteAsync(SyntheticClinic.StatusName(row.Status), NpgsqlDbType.Text, cancellationToken);
                if (row.DiscountKopecks > 0)
                {
                    await copy.WriteAsync(SyntheticClinic.Rubles(row.DiscountKopecks), NpgsqlDbType.Numeric, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }

                await copy.WriteAsync(SyntheticClinic.Services[row.Service].Code, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(SyntheticClinic.DoctorId(row.Doctor), NpgsqlDbType.Text, cancellationToken);
            }

            written = await copy.CompleteAsync(cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await ExecuteAsync(connection, $"DROP TABLE {BaselineTable}", cancellationToken);
        return new SqlTiming(elapsed, (long)written);
    }

    /// <summary>VACUUM ANALYZE of the history, as autovacuum does some time after a large import.</summary>
    public async Task<TimeSpan> VacuumAnalyzeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        await ExecuteAsync(connection, "VACUUM ANALYZE visits", cancellationToken);
        return clock.Elapsed;
    }

    /// <summary>
    /// What PostgreSQL alone takes to aggregate the clinic's completed visits per patient (count, first and last day,
    /// revenue), every row read by the client: the floor under any refit that reads the whole history.
    /// </summary>
    public async Task<SqlTiming> AggregateBaselineAsync(string clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT "PatientId", count(*), min("Date"), max("Date"), sum("Amount")
            FROM visits WHERE "ClinicId" = @clinic AND "Status" = 'completed' GROUP BY 1
            """, connection) { CommandTimeout = 600 };
        command.Parameters.AddWithValue("clinic", clinicId);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                _ = reader.GetString(0);
                _ = reader.GetInt64(1);
                rows++;
            }
        }

        return new SqlTiming(clock.Elapsed, rows);
    }

    /// <summary>The clinic's visits by where they came from (import, mis).</summary>
    public async Task<IReadOnlyDictionary<string, long>> VisitsBySourceAsync(string clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""SELECT "Source", count(*) FROM visits WHERE "ClinicId" = @clinic GROUP BY 1""", connection)
        {
            CommandTimeout = 600,
        };
        command.Parameters.AddWithValue("clinic", clinicId);
        var counts = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>MIS events the service has applied (its inbox on the queue), and when the first and last were.</summary>
    public async Task<(long Count, DateTimeOffset? First, DateTimeOffset? Last)> InboxAsync(string receiver, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT count(*), min("ProcessedAt"), max("ProcessedAt") FROM inbox_messages WHERE "Receiver" = @receiver
            """, connection);
        command.Parameters.AddWithValue("receiver", receiver);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// Watches one MIS visit by its key (<c>a:</c> + the appointment id), on a connection of its own, until the service
/// has applied both the booking and the completion: the moment the figures can show it.
/// </summary>
public sealed class VisitWatch : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;

    private VisitWatch(NpgsqlConnection connection)
    {
        _connection = connection;
        _command = new NpgsqlCommand("""
            SELECT "Status" = 'completed' AND "PatientId" IS NOT NULL FROM visits WHERE "ClinicId" = @clinic AND "VisitKey" = @key
            """, connection);
        _command.Parameters.Add(new NpgsqlParameter<string>("clinic", BenchmarkSettings.ClinicId));
        _command.Parameters.Add(new NpgsqlParameter<string>("key", ""));
    }

    public static async Task<VisitWatch> OpenAsync(AudienceDatabase database, CancellationToken cancellationToken)
    {
        var watch = new VisitWatch(await database.OpenAsync(cancellationToken));
        await watch._command.PrepareAsync(cancellationToken);
        return watch;
    }

    /// <summary>Polls every <paramref name="every"/> until the visit is completed with its patient; false on timeout.</summary>
    public async Task<bool> WaitCompletedAsync(string appointmentId, TimeSpan every, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ((NpgsqlParameter<string>)_command.Parameters[1]).TypedValue = "a:" + appointmentId;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (await _command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return true;
            }

            await Task.Delay(every, cancellationToken);
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
