using System.Text.Json;
using Comms.Contracts.Templating;
using Comms.Testing;

namespace Comms.Gateway.Email.Tests;

/// <summary>Gateway.Email as a real process (<see cref="GatewayProcess"/>) sending to a <see cref="ScriptedSmtpServer"/> in the test.</summary>
public sealed class GatewayEmailProcess : IAsyncDisposable
{
    private readonly GatewayProcess _process;

    private GatewayEmailProcess(GatewayProcess process, ScriptedSmtpServer smtp)
    {
        _process = process;
        Smtp = smtp;
    }

    public string Database => _process.Database;

    public string VirtualHost => _process.VirtualHost;

    public ScriptedSmtpServer Smtp { get; }

    public ServiceProcess Gateway => _process.Gateway;

    /// <param name="settings">Gateway settings as environment variables, on top of the tests' usual ones.</param>
    public static async Task<GatewayEmailProcess> StartAsync(string name, Dictionary<string, string> settings)
    {
        var smtp = new ScriptedSmtpServer();
        var process = await GatewayProcess.StartAsync(name, "Gateway.Email", environment =>
        {
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
        }, smtp);
        return new GatewayEmailProcess(process, smtp);
    }

    public Task StartGatewayAsync() => _process.StartGatewayAsync();

    public Task KillGatewayAsync() => _process.KillGatewayAsync();

    public Task<string> PatientWithConsentAsync() =>
        _process.ConsentAsync(EmailDriver.NewAddress(), "email", "web_form", DateTimeOffset.UtcNow);

    public async Task<SendEmail> SendAsync(SendEmail command)
    {
        await _process.Bus.Publish(command);
        return command;
    }

    /// <param name="and">What else the message must show, beside its status.</param>
    public Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan timeout, Func<JsonElement, bool>? and = null) =>
        _process.WaitForStatusAsync(messageId, status, timeout, and);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
