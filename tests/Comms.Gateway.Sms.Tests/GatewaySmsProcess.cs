using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Templating;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Gateway.Sms as a real process (<see cref="GatewayProcess"/>) beside the real simulator, with the SMS helpers.</summary>
public sealed class GatewaySmsProcess : IAsyncDisposable
{
    private readonly GatewayProcess _process;

    private GatewaySmsProcess(GatewayProcess process, ServiceProcess simulator)
    {
        _process = process;
        Simulator = simulator;
    }

    public string Database => _process.Database;

    public string VirtualHost => _process.VirtualHost;

    public ServiceProcess Simulator { get; }

    public ServiceProcess Gateway => _process.Gateway;

    /// <param name="settings">Gateway settings as environment variables, on top of the Development ones (whose smsru
    /// account points at the simulator's port, rewritten here; <c>{simulator}</c> in a value is its address).</param>
    public static async Task<GatewaySmsProcess> StartAsync(string name, Dictionary<string, string> settings, Dictionary<string, string>? simulatorSettings = null)
    {
        var simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator", ServiceProcess.FreePort(),
            new Dictionary<string, string>(simulatorSettings ?? []) { ["Simulator__SmsRu__ApiId"] = "dev-smsru-api-id" });
        simulator.Start();
        await simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(90));
        var process = await GatewayProcess.StartAsync(name, "Gateway.Sms", environment =>
        {
            environment["Sms__Accounts__smsru__BaseUrl"] = $"http://127.0.0.1:{simulator.Port}/smsru";
            foreach (var (key, value) in settings)
            {
                environment[key] = value.Replace("{simulator}", $"http://127.0.0.1:{simulator.Port}", StringComparison.Ordinal);
            }
        }, simulator);
        return new GatewaySmsProcess(process, simulator);
    }

    public Task StartGatewayAsync() => _process.StartGatewayAsync();

    public Task KillGatewayAsync() => _process.KillGatewayAsync();

    public Task<string> PatientWithConsentAsync() =>
        _process.ConsentAsync(SendingTests.NewPhone(), "sms", "mis_checkbox", DateTimeOffset.UtcNow);

    public async Task<Guid> SendAsync(string phone, string clinicId = "msk-1")
    {
        var command = new SendSms(Guid.CreateVersion7(), clinicId, "P-1", "A-1", phone, "Анна, напоминаем о приёме завтра в 10:30.", "service",
            "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await _process.Bus.Publish(command);
        return command.MessageId;
    }

    public Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan timeout) =>
        _process.WaitForStatusAsync(messageId, status, timeout);

    public async Task<JsonElement[]> AttemptsAsync(Guid messageId) =>
        (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/sms/messages/{messageId}/attempts"))!;

    public async Task<JsonElement[]> InboxAsync(string phone) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!;

    public async Task FaultAsync(object fault)
    {
        using var response = await Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
