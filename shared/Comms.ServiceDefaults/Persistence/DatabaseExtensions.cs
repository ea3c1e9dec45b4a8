using Comms.ServiceDefaults.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Comms.ServiceDefaults.Persistence;

public static partial class DatabaseExtensions
{
    public const string ConnectionStringName = "Database";

    /// <summary>
    /// The service's own PostgreSQL database (ConnectionStrings:Database), its migrations applied at start before
    /// anything consumes or serves, a readiness check, and the outbox wake-up interceptor.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(this IHostApplicationBuilder builder)
        where TDbContext : ServiceDbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (env ConnectionStrings__{ConnectionStringName}): {builder.Environment.ApplicationName} needs its PostgreSQL database.");
        }

        DevelopmentSecrets.Require(builder.Environment, $"The password in ConnectionStrings:{ConnectionStringName}",
            new NpgsqlConnectionStringBuilder(connectionString).Password,
            "k8s: the comms-postgres Secret, k8s/overlays/production/secrets/postgres.env");

        connectionString = Tuned(connectionString);
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxSignalInterceptor>();
        builder.Services.AddDbContext<TDbContext>((services, options) => options
            .UseNpgsql(connectionString)
            .AddInterceptors(services.GetRequiredService<OutboxSignalInterceptor>()));
        builder.Services.AddScoped<ServiceDbContext>(services => services.GetRequiredService<TDbContext>());
        builder.Services.AddHostedService<MigrationHostedService<TDbContext>>();
        builder.Services.AddHealthChecks().AddDbContextCheck<TDbContext>("database", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The pool settings the services' hot paths are measured with (docs/performance.md), unless the connection string
    /// names them itself: a connection handed back to the pool keeps its session (no <c>DISCARD ALL</c>, which also
    /// dropped every prepared statement), and the statements a service runs over and over are prepared once per
    /// connection. No service keeps session state on a pooled connection (temporary tables drop on commit, locks are
    /// per transaction; the inbox's LISTEN has a connection of its own).
    /// </summary>
    public static string Tuned(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var tuned = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            tuned.NoResetOnClose = true;
        }

        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            tuned.MaxAutoPrepare = 100;
        }

        return tuned.ConnectionString;
    }
}

/// <summary>Applies pending migrations at start, waiting for PostgreSQL to accept connections (up to a minute).</summary>
internal sealed partial class MigrationHostedService<TDbContext>(
    IServiceScopeFactory scopes,
    ILogger<MigrationHostedService<TDbContext>> logger) : IHostedService
    where TDbContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                await EnsureDatabaseAsync(db.Database.GetConnectionString()!, cancellationToken);
                await EnsureHistoryTableAsync(db, cancellationToken);
                await RefuseForeignHistoryAsync(db, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                LogMigrated(logger, typeof(TDbContext).Name);
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                LogWaiting(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Creates the service's database when missing, through the server's maintenance database: quieter and clearer
    /// than letting the migrator fail its first connection.
    /// </summary>
    private static async Task EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new Npgsql.NpgsqlParameter { Value = target.Database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.DuplicateDatabase)
            {
                // Another replica created it first.
            }
        }
    }

    /// <summary>
    /// A database whose applied migrations this build knows none of was made by a build from before each service's
    /// migrations became one (nothing was released then): applying the first migration over it would fail halfway on
    /// a table that exists. Refused at once, saying what to do.
    /// </summary>
    private static async Task RefuseForeignHistoryAsync(TDbContext db, CancellationToken cancellationToken)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        if (applied.Count > 0 && !applied.Any(known.Contains))
        {
            var database = new Npgsql.NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).Database;
            throw new InvalidOperationException(
                $"The database '{database}' was made by an earlier build of {typeof(TDbContext).Name}: none of its {applied.Count} applied migrations " +
                $"(the last '{applied[^1]}') is one of this build's. Drop it (dropdb '{database}'), and the service creates it again at start.");
        }
    }

    /// <summary>
    /// Creates EF Core's migrations history table when missing. The PostgreSQL provider does not look before it reads
    /// the table, so on a fresh database its first query fails and EF Core logs that as an error, though nothing is
    /// wrong (npgsql/efcore.pg#3407). Run outside EF Core, so a replica that loses the race to create it logs nothing.
    /// </summary>
    private static async Task EnsureHistoryTableAsync(TDbContext db, CancellationToken cancellationToken)
    {
        var script = db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript();
        await using var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var create = new Npgsql.NpgsqlCommand(script, connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState is Npgsql.PostgresErrorCodes.DuplicateTable or Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it at the same moment (CREATE TABLE IF NOT EXISTS is not atomic in PostgreSQL).
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database of {Context} is migrated")]
    private static partial void LogMigrated(ILogger logger, string context);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for PostgreSQL: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
