using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Email.Tests;

/// <summary>
/// The gateway dies (killed, no graceful shutdown) while the relay holds its answer to the mail's data: the relay may
/// have the mail. The command was not acknowledged, so RabbitMQ hands it to the restarted gateway, which drops it as a
/// repeat; the try left open is settled by the resolver, and nothing is sent twice.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private GatewayEmailProcess _system = null!;

    public async ValueTask InitializeAsync() =>
        _system = await GatewayEmailProcess.StartAsync("gwmail-restart", new()
        {
            ["Email__Smtp__Timeout"] = "00:00:20",
            ["Email__Resolution__InFlightGrace"] = "00:00:25",
            ["Email__Resolution__Interval"] = "00:00:01",
            ["Email__Smtp__RetryDelays__0"] = "00:00:15",
        });

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Killed_mid_call_and_restarted_the_gateway_sends_nothing_twice_and_fails_the_mail_temporarily()
    {
        var email = await _system.PatientWithConsentAsync();
        _system.Smtp.Script(email, new ScriptedSmtpServer.Reply(ScriptedSmtpServer.Stage.StallAfterData));

        var command = await _system.SendAsync(EmailDriver.Command(email, "service"));
        await Eventually.TrueAsync(() => Task.FromResult(_system.Smtp.DataTransfersFor(email) == 1), TimeSpan.FromSeconds(60), "the mail's data at the relay");
        await _system.KillGatewayAsync();
        await _system.StartGatewayAsync();

        var message = await _system.WaitForStatusAsync(command.MessageId, "failed-temporary", TimeSpan.FromSeconds(120));
        Assert.Equal(
            "the gateway stopped during the call to the SMTP relay, which cannot be asked whether it took the message; not sent again (at most one mail, never two)",
            message.GetProperty("reason").GetString());
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Equal(1, _system.Smtp.RecipientsSeen(email));
        Assert.Equal(1, _system.Smtp.DataTransfersFor(email));
    }

    [Fact]
    public async Task Killed_in_the_pause_after_a_refused_try_the_mail_ends_failed_temporary_not_queued_for_ever()
    {
        var email = await _system.PatientWithConsentAsync();
        _system.Smtp.Script(email, new ScriptedSmtpServer.Reply(ScriptedSmtpServer.Stage.Recipient, "451 4.3.0 try again later"));

        var command = await _system.SendAsync(EmailDriver.Command(email, "service"));
        await Eventually.TrueAsync(() => Task.FromResult(_system.Smtp.RecipientsSeen(email) == 1), TimeSpan.FromSeconds(60), "the refused try at the relay");
        // The refusal is on record and the 15 s pause has begun: the message says when the next try comes.
        var waiting = await _system.WaitForStatusAsync(command.MessageId, "queued", TimeSpan.FromSeconds(60),
            m => m.GetProperty("reason").GetString()?.Contains("next try in", StringComparison.Ordinal) == true);
        Assert.Equal(1, waiting.GetProperty("attempts").GetInt32());
        await _system.KillGatewayAsync();
        await _system.StartGatewayAsync();

        var message = await _system.WaitForStatusAsync(command.MessageId, "failed-temporary", TimeSpan.FromSeconds(120));
        Assert.Equal(Comms.Gateway.Email.Features.Sending.InterruptedSendResolver.BetweenTriesReason, message.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("cause").ValueKind); // surely not sent: a next channel may go
        Assert.Equal(1, _system.Smtp.RecipientsSeen(email));
        Assert.Equal(0, _system.Smtp.DataTransfersFor(email));
    }
}
