using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Scheduling.Tests;

/// <summary>The Scheduling service in-process, on its own real database and RabbitMQ virtual host.</summary>
public sealed class SchedulingApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ApiKey = "test-key-msk-1";

    public string Database { get; private set; } = "";

    public string VirtualHost { get; private set; } = "";

    private Dictionary<string, string?> _settings = [];

    public async ValueTask InitializeAsync()
    {
        Database = await TestInfrastructure.NewDatabaseAsync("sched");
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync("sched");
        _settings = await TestInfrastructure.ServiceSettingsAsync(Database, VirtualHost);
        _settings["Mis:Clinics:0:ClinicId"] = "msk-1";
        _settings["Mis:Clinics:0:ApiKey"] = ApiKey;
        _settings["Reminders:SendWindow:Start"] = "00:00";
        _settings["Reminders:SendWindow:End"] = "00:00";
        // The tests drive the dispatcher themselves; the background one only idles.
        _settings["Reminders:DispatchInterval"] = "01:00:00";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}
