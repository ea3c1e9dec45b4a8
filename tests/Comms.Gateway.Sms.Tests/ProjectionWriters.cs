using System.Data.Common;
using Comms.Contracts.Consent;
using Comms.Delivery.Consent;
using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// Writers of the gateway's consent projection, each on its own connection to the gateway's real database, as two
/// consumers or a consumer and a webhook are: one can be held just before it writes (<see cref="HoldBeforeProjectionWrite"/>)
/// while the other runs, so an interleaving is written out step by step instead of hoped for.
/// </summary>
internal sealed class ProjectionWriters(GatewaySmsApp app)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The clock the opt-outs are recorded by, from now to the microsecond PostgreSQL keeps.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

    /// <summary>A unit of work of its own, its connection already open (so its server process is known).</summary>
    public async Task<SmsDbContext> OpenAsync(params IInterceptor[] interceptors)
    {
        var connectionString = app.Services.GetRequiredService<IConfiguration>().GetConnectionString(DatabaseExtensions.ConnectionStringName);
        var db = new SmsDbContext(new DbContextOptionsBuilder<SmsDbContext>().UseNpgsql(connectionString).AddInterceptors(interceptors).Options);
        await db.Database.OpenConnectionAsync();
        return db;
    }

    /// <summary>What the ledger would announce for a consent the MIS captured a day before the clock's now.</summary>
    public ConsentChanged Announcement(string phone, long sequence, bool granted) => new(
        sequence, "msk-1", "P-1", phone, "sms", "service", granted, "mis_checkbox", Clock.GetUtcNow().AddDays(-1), Clock.GetUtcNow());

    /// <summary>What the consumer does with a ConsentChanged, in <paramref name="db"/>'s unit of work.</summary>
    public Task ApplyAsync(SmsDbContext db, ConsentChanged change) =>
        Task.Run(() => new ConsentChangedConsumer(db, Clock).ApplyAsync(change, CancellationToken.None));

    /// <summary>What a webhook does with the patient's "СТОП": the opt-out recorded, then its unit of work saved.</summary>
    public Task RecordStopAsync(SmsDbContext db, string phone) => Task.Run(async () =>
    {
        await new OptOuts(db, Clock).RecordAsync("sms", phone, ["service"], "reply", "СТОП", "msk-1", null, null, CancellationToken.None);
        await db.SaveChangesAsync();
    });

    public async Task SeedAsync(string phone, bool granted, long sequence)
    {
        await using var db = await OpenAsync();
        db.ConsentStates.Add(new ConsentState
        {
            Contact = phone, Channel = "sms", Purpose = "service", Granted = granted, Sequence = sequence, Method = "mis_checkbox",
            ClinicId = "msk-1", CapturedAt = Clock.GetUtcNow().AddDays(-2), UpdatedAt = Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
    }

    public async Task<ConsentState> ReadAsync(string phone)
    {
        await using var db = await OpenAsync();
        return await db.ConsentStates.AsNoTracking().SingleAsync(c => c.Contact == phone && c.Channel == "sms" && c.Purpose == "service");
    }

    /// <summary>
    /// Waits until <paramref name="writer"/> has finished, or is waiting for a lock another unit of work holds: then it
    /// has gone as far as it can while the held one waits.
    /// </summary>
    public async Task FinishedOrWaitingAsync(Task writer, SmsDbContext writerDb)
    {
        var pid = ((NpgsqlConnection)writerDb.Database.GetDbConnection()).ProcessID;
        await using var probe = await OpenAsync();
        await Eventually.TrueAsync(async () => writer.IsCompleted || await probe.Database
                .SqlQuery<bool>($"SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = {pid} AND NOT granted) AS \"Value\"").SingleAsync(),
            Patience, "the second writer to finish or to wait for the first");
    }
}

/// <summary>Holds the first write to the consent projection of its unit of work until <see cref="Release"/>.</summary>
internal sealed class HoldBeforeProjectionWrite : DbCommandInterceptor
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armed = 1;

    /// <summary>The unit of work has read and decided, and its write waits.</summary>
    public Task Reached => _reached.Task.WaitAsync(ProjectionWriters.Patience);

    public void Release() => _released.TrySetResult();

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await HoldAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await HoldAsync(command, cancellationToken);
        return result;
    }

    private async Task HoldAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var text = command.CommandText;
        var write = text.Contains("UPDATE consent_projection", StringComparison.Ordinal) || text.Contains("INSERT INTO consent_projection", StringComparison.Ordinal);
        if (write && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _reached.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }
}
