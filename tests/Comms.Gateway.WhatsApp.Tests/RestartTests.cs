using Comms.Testing;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>
/// The gateway dies (killed, no graceful shutdown) while the Cloud API is answering its call: Meta has already taken
/// the message. The command was not acknowledged, so RabbitMQ hands it to the restarted gateway, which drops it as a
/// repeat; the attempt left open is settled by the resolver, and nothing is sent twice.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private GatewayWhatsAppProcess _system = null!;

    public async ValueTask InitializeAsync() =>
        _system = await GatewayWhatsAppProcess.StartAsync("gwwa-restart", new()
        {
            ["WhatsApp__Timeout"] = "00:00:20",
            ["WhatsApp__Resolution__InFlightGrace"] = "00:00:25",
            ["WhatsApp__Resolution__Interval"] = "00:00:01",
        });

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Killed_mid_call_and_restarted_the_gateway_sends_nothing_twice_and_fails_the_message_temporarily()
    {
        var phone = await _system.PatientWithConsentAsync();
        // Meta takes the message at once and answers 30 s later: the gateway is killed while it waits.
        await _system.FaultAsync(new { provider = "whatsapp", to = phone, delayMs = 30_000, times = 1 });

        var command = await _system.SendAsync(GatewayWhatsAppApp.Command(phone));
        await Eventually.TrueAsync(async () => (await _system.SimulatorMessagesAsync(phone)).Length == 1, TimeSpan.FromSeconds(60), "the message at the simulator");
        await _system.KillGatewayAsync();
        await _system.StartGatewayAsync();

        var message = await _system.WaitForStatusAsync(command.MessageId, "failed-temporary", TimeSpan.FromSeconds(120));
        Assert.Equal(
            "the gateway stopped during the call to the WhatsApp Cloud API, which cannot be asked whether it took the message; not sent again (at most one message, never two)",
            message.GetProperty("reason").GetString());
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Single(await _system.SimulatorMessagesAsync(phone));
    }
}
