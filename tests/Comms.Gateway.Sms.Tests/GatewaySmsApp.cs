using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Gateway.Sms in-process on a real database and virtual host, calling the real provider simulator.</summary>
public sealed class GatewaySmsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string CallbackToken = "test-callback-token";

    private Dictionary<string, string?> _settings = [];

    public string Database { get; private set; } = "";

    public string VirtualHost { get; private set; } = "";

    public ServiceProcess Simulator { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestInfrastructure.NewDatabaseAsync("gwsms");
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync("gwsms");
        // No CallbackUrl: the tests post receipts themselves, as SMS.ru would, to the in-process gateway.
        Simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator",
            ServiceProcess.FreePort(), new Dictionary<string, string> { ["Simulator__SmsRu__ApiId"] = "test-api-id" });
        Simulator.Start();
        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(60));

        _settings = await TestInfrastructure.ServiceSettingsAsync(Database, VirtualHost);
        _settings["Sms:SmsRu:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/smsru";
        _settings["Sms:SmsRu:ApiId"] = "test-api-id";
        _settings["Sms:SmsRu:Sender"] = "CLINIC";
        _settings["Sms:SmsRu:CallbackToken"] = CallbackToken;
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
        await Simulator.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}
