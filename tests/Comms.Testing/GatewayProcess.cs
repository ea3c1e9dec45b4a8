using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using MassTransit;

namespace Comms.Testing;

/// <summary>
/// One gateway as a real process that a test can kill without a graceful shutdown and start again on the same database
/// and virtual host, beside what it talks to (the provider simulator, an SMTP server); commands reach it through
/// RabbitMQ from a bus of the test's own. Each gateway's test project wraps it with its channel's helpers.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _gateway;
    private readonly Dictionary<string, string> _environment;
    private readonly IAsyncDisposable? _beside;
    private readonly int _port = ServiceProcess.FreePort();
    private IBusControl? _bus;

    private GatewayProcess(string gateway, string database, string virtualHost, Dictionary<string, string> environment, IAsyncDisposable? beside)
    {
        _gateway = gateway;
        Database = database;
        VirtualHost = virtualHost;
        _environment = environment;
        _beside = beside;
    }

    public string Database { get; }

    public string VirtualHost { get; }

    /// <summary>The gateway's process; a new one after <see cref="StartGatewayAsync"/>.</summary>
    public ServiceProcess Gateway { get; private set; } = null!;

    /// <summary>The test's own bus on the gateway's virtual host.</summary>
    public IBus Bus => _bus!;

    /// <param name="name">A prefix for the database and virtual host.</param>
    /// <param name="gateway">Its folder under <c>services/</c>, e.g. <c>Gateway.Sms</c>.</param>
    /// <param name="configure">Adds the gateway's settings (environment variables) to the tests' usual ones (database, broker).</param>
    /// <param name="beside">What the gateway talks to, already started; disposed after the gateway.</param>
    public static async Task<GatewayProcess> StartAsync(
        string name, string gateway, Action<Dictionary<string, string>> configure, IAsyncDisposable? beside = null)
    {
        var database = await TestInfrastructure.NewDatabaseAsync(name);
        var virtualHost = await TestInfrastructure.NewVirtualHostAsync(name);
        var environment = await TestInfrastructure.ServiceEnvironmentAsync(database, virtualHost);
        configure(environment);
        var process = new GatewayProcess(gateway, database, virtualHost, environment, beside);
        await process.StartGatewayAsync();
        var endpoints = await TestInfrastructure.GetAsync();
        process._bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(bus => bus.Host(endpoints.RabbitHost, (ushort)endpoints.RabbitPort, virtualHost, host =>
        {
            host.Username(endpoints.RabbitUser);
            host.Password(endpoints.RabbitPassword);
        }));
        await process._bus.StartAsync();
        return process;
    }

    /// <summary>Starts the gateway (again) on the same port, database and virtual host, and waits until it is ready.</summary>
    public async Task StartGatewayAsync()
    {
        Gateway = new ServiceProcess(LogName(_gateway), $"services/{_gateway}", $"Comms.{_gateway}", _port, _environment);
        Gateway.Http.AsOperator();
        Gateway.Start();
        await Gateway.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(90));
    }

    public Task KillGatewayAsync() => Gateway.KillAsync();

    /// <summary>A service consent for <paramref name="contact"/> on <paramref name="channel"/>, once the gateway's projection holds it.</summary>
    public async Task<string> ConsentAsync(string contact, string channel, string method, DateTimeOffset capturedAt)
    {
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Bus.Publish(new ConsentChanged(sequence, "msk-1", "P-1", contact, channel, "service", true, method, capturedAt, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(async () =>
            (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(contact)}"))!.Length == 1,
            Patience, "consent in the projection");
        return contact;
    }

    /// <summary>The message once its status is <paramref name="status"/> (and <paramref name="and"/> holds); fails with the gateway's log tail.</summary>
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
        if (_beside is not null)
        {
            await _beside.DisposeAsync();
        }

        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }

    /// <summary>"Gateway.Sms" → "gateway-sms", the name its log lines carry.</summary>
    private static string LogName(string gateway) => gateway.Replace('.', '-').ToLowerInvariant();
}
