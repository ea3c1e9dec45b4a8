using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>
/// Gateway.WhatsApp as a real process that a test can kill without a graceful shutdown and start again on the same
/// database and virtual host, beside the real simulator; commands reach it through RabbitMQ from a bus of the test's own.
/// </summary>
public sealed class GatewayWhatsAppProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _environment;
    private readonly int _port = ServiceProcess.FreePort();
    private IBusControl? _bus;

    private GatewayWhatsAppProcess(string database, string virtualHost, Dictionary<string, string> environment, ServiceProcess simulator)
    {
        Database = database;
        VirtualHost = virtualHost;
        _environment = environment;
        Simulator = simulator;
    }

    public string Database { get; }

    public string VirtualHost { get; }

    public ServiceProcess Simulator { get; }

    public ServiceProcess Gateway { get; private set; } = null!;

    /// <param name="settings">Gateway settings as environment variables, on top of the Development ones.</param>
    public static async Task<GatewayWhatsAppProcess> StartAsync(string name, Dictionary<string, string> settings)
    {
        var database = await TestInfrastructure.NewDatabaseAsync(name);
        var virtualHost = await TestInfrastructure.NewVirtualHostAsync(name);
        var simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator", ServiceProcess.FreePort(),
            new Dictionary<string, string>
            {
                ["Simulator__WhatsApp__AccessToken"] = GatewayWhatsAppApp.AccessToken,
                ["Simulator__WhatsApp__AppSecret"] = GatewayWhatsAppApp.AppSecret,
                ["Simulator__WhatsApp__PhoneNumberId"] = GatewayWhatsAppApp.PhoneNumberId,
            });
        simulator.Start();
        await simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(90));

        var environment = await TestInfrastructure.ServiceEnvironmentAsync(database, virtualHost);
        environment["WhatsApp__BaseUrl"] = $"http://127.0.0.1:{simulator.Port}/whatsapp";
        environment["WhatsApp__PhoneNumberId"] = GatewayWhatsAppApp.PhoneNumberId;
        environment["WhatsApp__AccessToken"] = GatewayWhatsAppApp.AccessToken;
        environment["WhatsApp__AppSecret"] = GatewayWhatsAppApp.AppSecret;
        environment["WhatsApp__VerifyToken"] = GatewayWhatsAppApp.VerifyToken;
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = new GatewayWhatsAppProcess(database, virtualHost, environment, simulator);
        await process.StartGatewayAsync();
        var endpoints = await TestInfrastructure.GetAsync();
        process._bus = Bus.Factory.CreateUsingRabbitMq(bus => bus.Host(endpoints.RabbitHost, (ushort)endpoints.RabbitPort, virtualHost, host =>
        {
            host.Username(endpoints.RabbitUser);
            host.Password(endpoints.RabbitPassword);
        }));
        await process._bus.StartAsync();
        return process;
    }

    public async Task StartGatewayAsync()
    {
        Gateway = new ServiceProcess("gateway-whatsapp", "services/Gateway.WhatsApp", "Comms.Gateway.WhatsApp", _port, _environment);
        Gateway.Http.AsOperator();
        Gateway.Start();
        await Gateway.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(90));
    }

    public Task KillGatewayAsync() => Gateway.KillAsync();

    public async Task<string> PatientWithConsentAsync()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _bus!.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "whatsapp", "service", true, "mis_checkbox",
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(async () =>
            (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!.Length == 1,
            Patience, "consent in the projection");
        return phone;
    }

    public async Task<SendWhatsApp> SendAsync(SendWhatsApp command)
    {
        await _bus!.Publish(command);
        return command;
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan timeout)
    {
        JsonElement last = default;
        return await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await Gateway.Http.GetAsync($"api/v1/messages/{messageId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            return last.GetProperty("status").GetString() == status ? last : null;
        }, timeout, () => $"message {messageId} {status}; last seen: {last}\n{Gateway.LogTail()}");
    }

    /// <summary>What the simulator's patient phone shows.</summary>
    public async Task<JsonElement[]> SimulatorMessagesAsync(string phone) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/whatsapp/messages?to={Uri.EscapeDataString(phone)}"))!;

    public async Task FaultAsync(object fault)
    {
        using var response = await Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
        }

        await Gateway.DisposeAsync();
        await Simulator.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}
