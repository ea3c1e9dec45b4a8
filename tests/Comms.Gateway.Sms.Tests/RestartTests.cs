using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// The gateway dies (killed, no graceful shutdown) while a provider is answering its call: the provider has already
/// taken the SMS. The command was not acknowledged, so RabbitMQ hands it to the restarted gateway, which must not send
/// it again; the attempt left open is settled by the resolver.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private GatewaySmsProcess _system = null!;

    public async ValueTask InitializeAsync() =>
        _system = await GatewaySmsProcess.StartAsync("gwsms-restart", new()
        {
            // The call outlives the kill (the simulator answers after 30 s); the grace outlives the call's timeout, as
            // the gateway requires, so the killed process's own resolver never takes the attempt while it runs.
            ["Sms__Accounts__smsru__Timeout"] = "00:00:20",
            ["Sms__Resolution__InFlightGrace"] = "00:00:25",
            ["Sms__Resolution__Interval"] = "00:00:01",
        });

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Killed_mid_call_and_restarted_the_gateway_sends_no_second_sms_and_settles_the_message()
    {
        var phone = await _system.PatientWithConsentAsync();
        // SMS.ru takes the message at once and answers 30 s later: the gateway is killed while it waits.
        await _system.FaultAsync(new { provider = "smsru", to = phone, delayMs = 30_000, times = 1 });

        var id = await _system.SendAsync(phone);
        await Eventually.TrueAsync(async () => (await _system.InboxAsync(phone)).Length == 1, SmsDriver.Patience, "the SMS at the simulator");
        await _system.KillGatewayAsync();
        await _system.StartGatewayAsync();

        var message = await _system.WaitForStatusAsync(id, "failed-temporary", TimeSpan.FromSeconds(90));
        Assert.Contains("gateway stopped during the call", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var attempt = Assert.Single(await _system.AttemptsAsync(id));
        Assert.Equal("abandoned", attempt.GetProperty("outcome").GetString());
        Assert.False(attempt.GetProperty("open").GetBoolean());
        Assert.Single(await _system.InboxAsync(phone));
    }
}
