using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Comms.ProviderSimulator.Tests;

/// <summary>The simulator in memory, with settings of the test's choosing on top of appsettings.json.</summary>
public sealed class SimulatorFactory : WebApplicationFactory<Program>
{
    public const string ApiId = "test-api-id";
    public const string SmscLogin = "clinic";
    public const string SmscPassword = "smsc-secret";
    public const string AeroEmail = "clinic@example.org";
    public const string AeroApiKey = "aero-key";

    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Simulator:SmsRu:ApiId"] = ApiId,
        ["Simulator:SmsRu:CallbackUrl"] = "",
        ["Simulator:SmsRu:ReceiptDelayMs"] = "0",
        ["Simulator:Smsc:Login"] = SmscLogin,
        ["Simulator:Smsc:Password"] = SmscPassword,
        ["Simulator:Smsc:CallbackUrl"] = "",
        ["Simulator:Smsc:ReceiptDelayMs"] = "0",
        ["Simulator:SmsAero:Email"] = AeroEmail,
        ["Simulator:SmsAero:ApiKey"] = AeroApiKey,
        ["Simulator:SmsAero:CallbackUrl"] = "",
        ["Simulator:SmsAero:ReceiptDelayMs"] = "0",
    };

    public SimulatorFactory(string? callbackUrl = null, params (string Key, string? Value)[] settings)
    {
        _settings["Simulator:SmsRu:CallbackUrl"] = callbackUrl ?? "";
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }
    }

    public SimulatorClient CreateSimulatorClient() => new(CreateClient());

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
}
