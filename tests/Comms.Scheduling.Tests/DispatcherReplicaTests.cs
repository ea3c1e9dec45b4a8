using System.Text.Json;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults;
using Comms.ServiceDefaults.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;

namespace Comms.Scheduling.Tests;

/// <summary>
/// Two real Scheduling processes on one database and one virtual host; one is killed (no graceful shutdown) in the
/// middle of its work and the other finishes it. So that "the middle" is a known point, not a lucky one, the test
/// holds <c>LOCK TABLE outbox_messages IN SHARE MODE</c> (the gate) while the replicas run: relays may still claim
/// outbox rows (<c>FOR UPDATE</c>) and publish them but stop at the <c>DELETE</c> that marks them done; dispatchers
/// claim a batch of due sends and stop at the <c>INSERT</c> of its ComposeMessages. The doomed replica dies holding
/// both: a claimed, half-written dispatch batch and a published, unmarked relay batch.
/// <para>
/// What the design promises, and so what is asserted. The dispatcher marks a send dispatched and writes its
/// ComposeMessage to the outbox in one transaction: each send is dispatched once, as one outbox row, whose id is the
/// envelope's message id. A second dispatch would be a second row with a new id, so "one envelope id per send" is
/// the dispatched-once check, read off the wire (relayed rows are deleted). The relay publishes with confirms and
/// then deletes in one transaction: a relay that dies in between leaves its rows, and another relay publishes them
/// again under the same envelope id, which the consumers' inbox drops. That is the only repeat the design allows:
/// the dead relay's one batch, two copies each. Sends that came due after the gate closed (the dead dispatcher's
/// claimed batch among them) were never published by the dead replica, so they go out exactly once.
/// </para>
/// </summary>
public sealed class DispatcherReplicaTests : IAsyncLifetime
{
    private const int DispatchBatchSize = 20;
    private const int RelayBatchSize = 100;
    private const string ComposeMessageExchange = "Comms.Contracts.Scheduling:ComposeMessage";
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private string _database = "";
    private string _virtualHost = "";
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("replica");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("replica");
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddDbContext<SchedulingDbContext>(options => options.UseNpgsql(_database))
            .AddScoped<ClinicRulesStore>()
            .AddScoped<MergedSends>()
            .AddOptions()
            .AddMetrics()
            .AddSingleton<CommsMetrics>()
            .AddFailingRows<Guid>("reminder", "due-sends")
            .BuildServiceProvider();
    }

    [Fact]
    public async Task Replica_killed_mid_batch_loses_no_due_send_and_dispatches_none_twice()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(_virtualHost);
        var composed = await broker.BindQueueAsync(ComposeMessageExchange, "", ExchangeType.Fanout);

        // Sends dispatched earlier whose ComposeMessages still wait in the outbox (the real dispatcher, in this test
        // process, which runs no relay), so the replicas' relays find a backlog as soon as they start. The schema is
        // migrated here for that reason, not by the first replica.
        await MigrateAsync();
        var backlog = await SeedDueSendsAsync("backlog", 500);
        await DispatchInThisProcessAsync();

        await using var gate = await OutboxGate.CloseAsync(_database);
        await using var doomed = await ReplicaAsync("replica-a");
        await using var survivor = await ReplicaAsync("replica-b");
        await Task.WhenAll(doomed.WaitReadyAsync("health/ready", StartPatience), survivor.WaitReadyAsync("health/ready", StartPatience));
        var due = await SeedDueSendsAsync("due", 1500);

        await WaitAsync(
            async () => await WaitsAtGateAsync(doomed, "INSERT") && await WaitsAtGateAsync(doomed, "DELETE") &&
                await WaitsAtGateAsync(survivor, "INSERT") && await WaitsAtGateAsync(survivor, "DELETE"),
            "both replicas' dispatchers and relays to stop at the gate mid-batch", doomed, survivor);
        // The kill lands mid-batch: each replica holds its own claimed batch of sends (SKIP LOCKED shared the work),
        // and each relay has published a full batch it has not yet deleted.
        Assert.Equal(2 * DispatchBatchSize, await ClaimedSendsAsync());
        Assert.Equal(2 * RelayBatchSize, (int)await broker.CountAsync(composed));

        await doomed.KillAsync();
        var onTheWireAtTheKill = (await broker.DrainAsync(composed)).Select(Copy.Of).ToList();
        await gate.OpenAsync();

        // Everything dispatched and every outbox row published (confirmed) and deleted: nothing more can come.
        await WaitAsync(async () => await QueryAsync<long>(
                """SELECT (SELECT count(*) FROM scheduled_sends WHERE "Status" = 'pending') + (SELECT count(*) FROM outbox_messages)""") == 0,
            "the survivor to dispatch and relay everything", survivor);
        var wire = onTheWireAtTheKill.Concat((await broker.DrainAsync(composed)).Select(Copy.Of)).ToList();

        await using (var scope = _services.CreateAsyncScope())
        {
            var sends = await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().ScheduledSends.AsNoTracking().ToListAsync();
            Assert.Equal(backlog.Count + due.Count, sends.Count);
            Assert.Empty(sends.Where(s => s.Status != SendStatuses.Dispatched || s.DispatchedAt is null).Select(s => $"{s.MessageId} {s.Status}"));
        }

        var seeded = backlog.Concat(due).ToHashSet();
        var copies = wire.GroupBy(c => c.SendId).ToDictionary(g => g.Key, g => g.ToList());
        Assert.DoesNotContain(seeded, id => !copies.ContainsKey(id));
        Assert.DoesNotContain(copies.Keys, id => !seeded.Contains(id));
        // Dispatched once: every copy of a send comes from the same outbox row.
        Assert.Empty(copies.Where(c => c.Value.Select(x => x.EnvelopeId).Distinct().Count() != 1).Select(c => c.Key));
        // Exactly once where the design guarantees it, the dead dispatcher's claimed batch included.
        Assert.DoesNotContain(due, id => copies[id].Count != 1);
        // The one repeat the design allows, and with the kill placed there the one it makes: the dead relay's
        // published, unmarked batch, relayed again by the survivor.
        var inFlight = onTheWireAtTheKill.Select(c => c.SendId).ToHashSet();
        var repeated = copies.Where(c => c.Value.Count > 1).ToList();
        Assert.All(repeated, c => Assert.Equal(2, c.Value.Count));
        Assert.All(repeated, c => Assert.Contains(c.Key, inFlight));
        Assert.Equal(RelayBatchSize, repeated.Count);
    }

    private async Task MigrateAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SchedulingDbContext>().Database.MigrateAsync();
    }

    /// <summary>
    /// Due, pending sends of booked appointments a day ahead (well outside the minimum lead time). "Now" is this
    /// process's clock, the one the dispatchers judge by, not the database's.
    /// </summary>
    private async Task<List<Guid>> SeedDueSendsAsync(string prefix, int count)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            WITH booked AS (
                INSERT INTO appointments ("ClinicId", "AppointmentId", "Version", "Status", "StartsAt", "ClinicTimeZone",
                    "PatientId", "FirstName", "Phone", "UpdatedAt")
                SELECT 'msk-1', $1 || '-' || i, 1, 'booked', $3 + interval '1 day', 'Europe/Moscow',
                    'P-' || $1 || '-' || i, 'Анна', '+79161234567', $3
                FROM generate_series(1, $2) AS i
                RETURNING "AppointmentId")
            INSERT INTO scheduled_sends ("MessageId", "ClinicId", "AppointmentId", "Kind", "TemplateKey", "Purpose", "Channels",
                "DueAt", "Status", "CreatedAt", "ChannelStep", "Fallback_OnNoContact", "Fallback_OnNoConsent", "Fallback_OnFailure")
            SELECT gen_random_uuid(), 'msk-1', "AppointmentId", 'reminder', 'appointment.reminder', 'service', ARRAY['sms'],
                $3 - interval '1 minute', 'pending', $3, 0, true, true, true
            FROM booked
            RETURNING "MessageId"
            """,
            connection)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = prefix },
                new NpgsqlParameter { Value = count },
                new NpgsqlParameter { Value = DateTimeOffset.UtcNow, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            },
        };
        var ids = new List<Guid>(count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private async Task DispatchInThisProcessAsync()
    {
        using var dispatcher = ActivatorUtilities.CreateInstance<DueDispatcher>(_services);
        var settings = new ReminderOptions { DispatchBatchSize = DispatchBatchSize };
        while (await dispatcher.DispatchDueAsync(settings, CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>
    /// A Scheduling process dispatching fast in small batches. Its connections carry its name, and its statements wait
    /// at the gate as long as the test holds it: with the default 30 s command timeout, a slow start on a busy machine
    /// could time out a relay's DELETE, and that relay would publish its batch again while still alive.
    /// </summary>
    private async Task<ServiceProcess> ReplicaAsync(string name)
    {
        var database = new NpgsqlConnectionStringBuilder(_database) { ApplicationName = name, CommandTimeout = 600 }.ConnectionString;
        var environment = await TestInfrastructure.ServiceEnvironmentAsync(database, _virtualHost);
        environment["Reminders__DispatchInterval"] = "00:00:00.200";
        environment["Reminders__DispatchBatchSize"] = DispatchBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Reminders__Defaults__SendWindow__Start"] = "00:00";
        environment["Reminders__Defaults__SendWindow__End"] = "00:00";
        environment["Outbox__BatchSize"] = RelayBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = new ServiceProcess(name, "services/Scheduling", "Comms.Scheduling", ServiceProcess.FreePort(), environment);
        process.Start();
        return process;
    }

    /// <summary>Whether one of the replica's connections waits at the gate in an INSERT or DELETE on the outbox.</summary>
    private async Task<bool> WaitsAtGateAsync(ServiceProcess replica, string statement) =>
        await QueryAsync<long>(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock' AND query LIKE $2
            """,
            replica.Name, $"{statement} %outbox_messages%") > 0;

    /// <summary>Pending sends some transaction holds claimed: those this connection cannot lock.</summary>
    private async Task<long> ClaimedSendsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM scheduled_sends WHERE "Status" = 'pending') -
                (SELECT count(*) FROM (SELECT 1 FROM scheduled_sends WHERE "Status" = 'pending' FOR UPDATE SKIP LOCKED) free)
            """,
            connection, transaction);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<T> QueryAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, params ServiceProcess[] replicas)
    {
        try
        {
            await Eventually.TrueAsync(condition, Patience, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\n" + string.Join("\n", replicas.Select(r => r.LogTail())), ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }

    /// <summary>One ComposeMessage on the wire: the send it is for, and the id of the outbox row it came from.</summary>
    private sealed record Copy(Guid SendId, Guid EnvelopeId)
    {
        public static Copy Of(ReceivedMessage received)
        {
            var envelope = JsonDocument.Parse(received.Body).RootElement;
            return new Copy(envelope.GetProperty("message").GetProperty("messageId").GetGuid(), envelope.GetProperty("messageId").GetGuid());
        }
    }

    /// <summary>Holds <c>LOCK TABLE outbox_messages IN SHARE MODE</c> until opened: see the class summary.</summary>
    private sealed class OutboxGate : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;

        private OutboxGate(NpgsqlConnection connection, NpgsqlTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public static async Task<OutboxGate> CloseAsync(string database)
        {
            var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            var transaction = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("LOCK TABLE outbox_messages IN SHARE MODE", connection, transaction);
            await command.ExecuteNonQueryAsync();
            return new OutboxGate(connection, transaction);
        }

        public async Task OpenAsync() => await _transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }
}
