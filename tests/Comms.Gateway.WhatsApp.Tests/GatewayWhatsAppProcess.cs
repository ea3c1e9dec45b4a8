using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Templating;
using Comms.Testing;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>Gateway.WhatsApp as a real process (<see cref="GatewayProcess"/>) beside the real simulator, with the WhatsApp helpers.</summary>
public sealed class GatewayWhatsAppProcess : IAsyncDisposable
{
    private readonly GatewayProcess _process;

    private GatewayWhatsAppProcess(GatewayProcess process, ServiceProcess simulator)
    {
        _process = process;
        Simulator = simulator;
    }

    public string Database => _process.Database;

    public string VirtualHost => _process.VirtualHost;

    public ServiceProcess Simulator { get; }

    public ServiceProcess Gateway => _process.Gateway;

    /// <param name="settings">Gateway settings as environment variables, on top of the Development ones.</param>
    public static async Task<GatewayWhatsAppProcess> StartAsync(string name, Dictionary<string, string> settings)
    {
        var simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator", ServiceProcess.FreePort(),
            new Dictionary<string, string>
            {
                ["Simulator__WhatsApp__AccessToken"] = GatewayWhatsAppApp.AccessToken,
                ["Simulator__WhatsApp__AppSecret"] = GatewayWhatsAppApp.AppSecret,
                ["Simulator__WhatsApp__PhoneNumberId"] = GatewayWhatsAppApp.PhoneNumberId,
            });
        simulator.Start();
        await simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(90));
        var process = await GatewayProcess.StartAsync(name, "Gateway.WhatsApp", environment =>
        {
            environment["WhatsApp__BaseUrl"] = $"http://127.0.0.1:{simulator.Port}/whatsapp";
            environment["WhatsApp__PhoneNumberId"] = GatewayWhatsAppApp.PhoneNumberId;
            environment["WhatsApp__AccessToken"] = GatewayWhatsAppApp.AccessToken;
            environment["WhatsApp__AppSecret"] = GatewayWhatsAppApp.AppSecret;
            environment["WhatsApp__VerifyToken"] = GatewayWhatsAppApp.VerifyToken;
            foreach (var (key, value) in settings)
            {
                environment[key] = value;
            }
        }, simulator);
        return new GatewayWhatsAppProcess(process, simulator);
    }

    public Task StartGatewayAsync() => _process.StartGatewayAsync();

    public Task KillGatewayAsync() => _process.KillGatewayAsync();

    public Task<string> PatientWithConsentAsync() =>
        _process.ConsentAsync(GatewayWhatsAppApp.NewPhone(), "whatsapp", "mis_checkbox", DateTimeOffset.UtcNow.AddMinutes(-1));

    public async Task<SendWhatsApp> SendAsync(SendWhatsApp command)
    {
        await _process.Bus.Publish(command);
        return command;
    }

    public Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan timeout) =>
        _process.WaitForStatusAsync(messageId, status, timeout);

    /// <summary>What the simulator's patient phone shows.</summary>
    public async Task<JsonElement[]> SimulatorMessagesAsync(string phone) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/whatsapp/messages?to={Uri.EscapeDataString(phone)}"))!;

    public async Task FaultAsync(object fault)
    {
        using var response = await Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
