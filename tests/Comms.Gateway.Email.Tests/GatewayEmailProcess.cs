using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;

namespace Comms.Gateway.Email.Tests;

/// <summary>
/// Gateway.Email as a real process that a test can kill without a graceful shutdown and start again on the same
/// database and virtual host, sending to a <see cref="ScriptedSmtpServer"/> in the test; commands reach it through
/// RabbitMQ from a bus of the test's own.
/// </summary>
public sealed class GatewayEmailProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, string> _environment;
    private readonly int _port = ServiceProcess.FreePort();
    private IBusControl? _bus;

    private GatewayEmailProcess(string database, string virtualHost, Dictionary<string, string> environment, ScriptedSmtpServer smtp)
    {
        Database = database;
        VirtualHost = virtualHost;
        _environment = environment;
        Smtp = smtp;
    }

    public string Database { get; }

    public string VirtualHost { get; }

    public ScriptedSmtpServer Smtp { get; }

    public ServiceProcess Gateway { get; private set; } = null!;

    /// <param name="settings">Gateway settings as environment variables, on top of the tests' usual ones.</param>
    public static async Task<GatewayEmailProcess> StartAsync(string name, Dictionary<string, string> settings)
    {
        var database = await TestInfrastructure.NewDatabaseAsync(name);
        var virtualHost = await TestInfrastructure.NewVirtualHostAsync(name);
        var smtp = new ScriptedSmtpServer();

        var environment = await TestInfrastructure.ServiceEnvironmentAsync(database, virtualHost);
        var email = new Dictionary<string, string?>();
        EmailSettings.Apply(email, smtp.Port);
        foreach (var (key, value) in email)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = new GatewayEmailProcess(database, virtualHost, environment, smtp);
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
        Gateway = new ServiceProcess("gateway-email", "services/Gateway.Email", "Comms.Gateway.Email", _port, _environment);
        Gateway.Http.AsOperator();
        Gateway.Start();
        await Gateway.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(90));
    }

    public Task KillGatewayAsync() => Gateway.KillAsync();

    public async Task<string> PatientWithConsentAsync()
    {
        var email = EmailDriver.NewAddress();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await _bus!.Publish(new ConsentChanged(sequence, "msk-1", "P-1", email, "email", "service", true, "web_form", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(async () =>
            (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(email)}"))!.Length == 1,
            Patience, "consent in the projection");
        return email;
    }

    public async Task<SendEmail> SendAsync(SendEmail command)
    {
        await _bus!.Publish(command);
        return command;
    }

    /// <param name="and">What else the message must show, beside its status.</param>
    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan timeout, Func<JsonElement, bool>? and = null)
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
            return last.GetProperty("status").GetString() == status && (and is null || and(last)) ? last : null;
        }, timeout, () => $"message {messageId} {status}; last seen: {last}\n{Gateway.LogTail()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
        }

        await Gateway.DisposeAsync();
        await Smtp.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}
