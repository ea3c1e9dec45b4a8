using System.Text.Json;

namespace Comms.Gateway.Email.Tests;

/// <summary>
/// What the relay answers, turned into statuses: a real SMTP conversation over TCP with <see cref="ScriptedSmtpServer"/>
/// (our own small server, since maildev cannot answer 550 or 451 on demand).
/// </summary>
public sealed class SmtpFailureTests(ScriptedSmtpGatewayApp app) : IClassFixture<ScriptedSmtpGatewayApp>
{
    private readonly EmailDriver _driver = new(app);

    [Theory]
    [InlineData(ScriptedSmtpServer.Stage.Recipient, "550 5.1.1 Recipient address rejected: User unknown")]
    [InlineData(ScriptedSmtpServer.Stage.EndOfData, "554 5.7.1 Message rejected as spam")]
    public async Task Permanent_refusal_fails_the_mail_with_the_servers_code_and_text(ScriptedSmtpServer.Stage stage, string reply)
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        app.Smtp.Script(email, new ScriptedSmtpServer.Reply(stage, reply));

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "failed-permanent");

        var reason = message.GetProperty("reason").GetString()!;
        Assert.StartsWith($"SMTP {reply[..3]} ", reason, StringComparison.Ordinal);
        Assert.Contains(reply[10..], reason, StringComparison.Ordinal);
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Empty(app.Smtp.AcceptedFor(email));
    }

    [Theory]
    [InlineData(ScriptedSmtpServer.Stage.Recipient, "451 4.7.1 Greylisted, try again later")]
    [InlineData(ScriptedSmtpServer.Stage.EndOfData, "452 4.3.1 Insufficient system storage")]
    public async Task Temporary_refusal_is_tried_again_and_one_mail_goes_out(ScriptedSmtpServer.Stage stage, string reply)
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        app.Smtp.Script(email, new ScriptedSmtpServer.Reply(stage, reply));
        var command = EmailDriver.Command(email, "service");

        var message = await _driver.SendAndWaitAsync(command, "sent");

        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        var mail = Assert.Single(app.Smtp.AcceptedFor(email));
        Assert.Contains($"Message-ID: <{command.MessageId}@{EmailSettings.MessageIdDomain}>", mail.Data, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["queued", "sent"], Statuses(message));
    }

    [Fact]
    public async Task Temporary_refusal_every_time_ends_failed_temporary_after_the_last_try()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        var refusal = new ScriptedSmtpServer.Reply(ScriptedSmtpServer.Stage.Recipient, "421 4.3.2 Service shutting down");
        app.Smtp.Script(email, refusal, refusal, refusal, refusal);

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "failed-temporary");

        Assert.Equal(3, message.GetProperty("attempts").GetInt32()); // the first try and one per configured pause (2)
        var reason = message.GetProperty("reason").GetString()!;
        Assert.Contains("3 tries", reason, StringComparison.Ordinal);
        Assert.Contains("SMTP 421", reason, StringComparison.Ordinal);
        Assert.Empty(app.Smtp.AcceptedFor(email));
    }

    [Fact]
    public async Task Connection_lost_after_the_data_is_failed_temporary_and_never_resent()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        app.Smtp.Script(email, new ScriptedSmtpServer.Reply(ScriptedSmtpServer.Stage.DropAfterData));

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "failed-temporary");

        Assert.Contains("not sent again", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Equal(1, app.Smtp.DataTransfersFor(email));
    }

    [Fact]
    public async Task Opt_out_between_tries_blocks_the_retry()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        var refusal = new ScriptedSmtpServer.Reply(ScriptedSmtpServer.Stage.Recipient, "451 4.7.1 Greylisted, try again later");
        app.Smtp.Script(email, refusal, refusal, refusal, refusal);
        var command = EmailDriver.Command(email, "service");
        await _driver.PublishAsync(command);
        await Comms.Testing.Eventually.TrueAsync(() => Task.FromResult(app.Smtp.RecipientsSeen(email) >= 1), EmailDriver.Patience, "the first try");

        await _driver.ConsentAsync(email, "service", granted: false);

        var message = await _driver.WaitForStatusAsync(command.MessageId, "blocked");
        Assert.StartsWith("consent for email/service revoked", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(app.Smtp.AcceptedFor(email));
    }

    private static IEnumerable<string?> Statuses(JsonElement message) =>
        message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString());
}
