using System.Text.Json;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.ServiceDefaults.Tests;

/// <summary>The smallest service there is: the defaults, a database with nothing but the outbox and inbox, the bus.</summary>
public sealed class BareDbContext(DbContextOptions<BareDbContext> options) : ServiceDbContext(options)
{
    public static BareDbContext Open(string connectionString) =>
        new(new DbContextOptionsBuilder<BareDbContext>().UseNpgsql(connectionString).Options);

    /// <summary>Its tables are made by <c>EnsureCreated</c>: a context without migrations has "pending model changes".</summary>
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
}

/// <summary>
/// A service built as the real ones are (AddServiceDefaults, AddServiceDatabase, AddServiceMessaging), in-process on a
/// test server, over its own database and virtual host; its outbox is filled before it starts.
/// </summary>
public sealed class BareService : IAsyncDisposable
{
    private BareService(WebApplication app, CapturedLogs logs, string database, string virtualHost)
    {
        App = app;
        Logs = logs;
        Database = database;
        VirtualHost = virtualHost;
    }

    public WebApplication App { get; }

    public string Database { get; }

    public string VirtualHost { get; }

    public CapturedLogs Logs { get; }

    /// <summary>A database and a virtual host of its own, the schema in place, nothing started yet.</summary>
    public static async Task<(string Database, string VirtualHost)> PrepareAsync(string name)
    {
        var database = await TestInfrastructure.NewDatabaseAsync(name);
        var virtualHost = await TestInfrastructure.NewVirtualHostAsync(name);
        await using var db = BareDbContext.Open(database);
        await db.Database.EnsureCreatedAsync();
        return (database, virtualHost);
    }

    public static async Task<BareService> StartAsync(
        string database, string virtualHost, IDictionary<string, string?>? overrides = null,
        Action<IBusRegistrationConfigurator>? consumers = null, Action<IServiceCollection>? services = null)
    {
        var settings = await TestInfrastructure.ServiceSettingsAsync(database, virtualHost);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddServiceDatabase<BareDbContext>();
        builder.AddServiceMessaging<BareDbContext>(consumers);
        services?.Invoke(builder.Services);
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);

        var app = builder.Build();
        app.UseServiceDefaults();
        var host = new BareService(app, logs, database, virtualHost);
        await app.StartAsync();
        return host;
    }

    public IServiceProvider Services => App.Services;

    /// <summary>The readiness answer's status and each check's (status, description).</summary>
    public async Task<(string Status, Dictionary<string, (string Status, string? Description)> Checks)> ReadinessAsync()
    {
        using var client = App.GetTestClient();
        var body = JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement;
        var checks = body.GetProperty("checks").EnumerateObject().ToDictionary(
            c => c.Name,
            c => (c.Value.GetProperty("status").GetString()!, c.Value.GetProperty("description").GetString()));
        return (body.GetProperty("status").GetString()!, checks);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}
