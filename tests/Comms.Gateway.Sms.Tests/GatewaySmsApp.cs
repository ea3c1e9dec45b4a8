using Comms.Gateway.Sms.Persistence;
using Comms.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Gateway.Sms in-process, calling the real provider simulator (a process of its own).</summary>
public class GatewaySmsApp() : ServiceApp<Program>("gwsms")
{
    public const string CallbackToken = "test-callback-token";
    public const string ClinicKey = "test-key-msk-1";

    public ServiceProcess Simulator { get; private set; } = null!;

    /// <summary>Calls as the chain's operator: the gateway's APIs take an operator key.</summary>
    public override HttpClient CreateClient() => base.CreateClient().AsOperator();

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        // No CallbackUrl: the tests post receipts themselves, as SMS.ru would, to the in-process gateway.
        Simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator",
            ServiceProcess.FreePort(), new Dictionary<string, string> { ["Simulator__SmsRu__ApiId"] = "test-api-id" });
        Simulator.Start();
        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(60));

        settings["Sms:Accounts:smsru:Provider"] = "smsru";
        settings["Sms:Accounts:smsru:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/smsru";
        settings["Sms:Accounts:smsru:ApiId"] = "test-api-id";
        settings["Sms:Accounts:smsru:Sender"] = "CLINIC";
        settings["Sms:Accounts:smsru:CallbackToken"] = CallbackToken;
        settings["Sms:Accounts:smsru:PricePerSegment"] = "3.5";
        settings["Sms:Routing:Default:Accounts:0"] = "smsru";
        settings["Mis:Clinics:0:ClinicId"] = "msk-1";
        settings["Mis:Clinics:0:ApiKey"] = ClinicKey;
    }


    public async Task<HttpResponseMessage> PostCallbackAsync(string entry)
    {
        using var client = CreateClient();
        return await client.PostAsync($"/webhooks/sms/smsru?token={CallbackToken}",
            new FormUrlEncodedContent([new KeyValuePair<string, string>("data[0]", entry)]));
    }

    protected override void ConfigureServices(IServiceCollection services) => Saves.AttachTo<SmsDbContext>(services);

    protected override async ValueTask ReleaseAsync() => await Simulator.DisposeAsync();
}

/// <summary>The gateway sending one SMS at a time, so that the others wait in its queue.</summary>
public sealed class OneAtATimeGatewaySmsApp : GatewaySmsApp
{
    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        settings["Sms:MaxParallelSends"] = "1";
    }
}
