using Comms.Gateway.Email.Persistence;
using Comms.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

/// <summary>Gateway.Email in-process, sending to a maildev of its own (a real SMTP server, started for this fixture).</summary>
public sealed class EmailGatewayApp() : ServiceApp<Program>("gwmail")
{
    public MailDev MailDev { get; private set; } = null!;

    /// <summary>Calls as the chain's operator: the gateway's APIs take an operator key.</summary>
    public override HttpClient CreateClient() => base.CreateClient().AsOperator();

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        MailDev = await MailDev.StartAsync();
        EmailSettings.Apply(settings, MailDev.SmtpPort);
    }

    protected override async ValueTask ReleaseAsync() => await MailDev.DisposeAsync();
}

/// <summary>Gateway.Email in-process, sending to <see cref="ScriptedSmtpServer"/> (550, 451, a dropped connection), with short back-off.</summary>
public sealed class ScriptedSmtpGatewayApp() : ServiceApp<Program>("gwmailsc")
{
    public ScriptedSmtpServer Smtp { get; } = new();

    /// <summary>Calls as the chain's operator: the gateway's APIs take an operator key.</summary>
    public override HttpClient CreateClient() => base.CreateClient().AsOperator();

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        EmailSettings.Apply(settings, Smtp.Port);
        settings["Email:Smtp:RetryDelays:0"] = "00:00:00.200";
        settings["Email:Smtp:RetryDelays:1"] = "00:00:04"; // long enough for a revocation to land between tries
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureServices(IServiceCollection services) => Saves.AttachTo<EmailDbContext>(services);

    protected override async ValueTask ReleaseAsync() => await Smtp.DisposeAsync();
}

/// <summary>
/// Gateway.Email in-process with everything a reply needs: a maildev it sends to and a dovecot of its own holding the
/// reply mailbox (user <see cref="EmailSettings.ReplyUser"/>), read every 300 ms.
/// </summary>
public sealed class ReplyGatewayApp() : ServiceApp<Program>("gwmailre")
{
    public MailDev MailDev { get; private set; } = null!;

    public Dovecot Imap { get; private set; } = null!;

    public override HttpClient CreateClient() => base.CreateClient().AsOperator();

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        MailDev = await MailDev.StartAsync();
        Imap = await Dovecot.StartAsync(EmailSettings.ReplyUser);
        EmailSettings.Apply(settings, MailDev.SmtpPort);
        settings["Email:Imap:Enabled"] = "true";
        settings["Email:Imap:Host"] = Dovecot.Host;
        settings["Email:Imap:Port"] = Imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:Imap:UseTls"] = "false";
        settings["Email:Imap:Username"] = EmailSettings.ReplyUser;
        settings["Email:Imap:Password"] = Imap.PasswordOf(EmailSettings.ReplyUser);
        settings["Email:Imap:Address"] = EmailSettings.ReplyAddress;
        settings["Email:Imap:PollInterval"] = "00:00:00.300";
    }

    protected override async ValueTask ReleaseAsync()
    {
        await Imap.DisposeAsync();
        await MailDev.DisposeAsync();
    }
}

public static class EmailSettings
{
    public const string UnsubscribeBase = "https://comms.example-clinic.ru/unsubscribe";
    public const string AnswerBase = "https://comms.example-clinic.ru/answer";
    public const string MessageIdDomain = "mail.example-clinic.ru";
    public const string ReplyUser = "replies";
    public const string ReplyAddress = "replies@example-clinic.ru";

    /// <summary>The settings every test gateway has; no reply mailbox is read (see <see cref="ReplyGatewayApp"/>).</summary>
    public static void Apply(IDictionary<string, string?> settings, int smtpPort)
    {
        settings["Email:Answers:BaseUrl"] = AnswerBase;
        settings["Email:Answers:Secret"] = "test-answer-link-secret-0123456789abcdef";
        settings["Email:Imap:Enabled"] = "false";
        settings["Email:Unsubscribe:BaseUrl"] = UnsubscribeBase;
        settings["Email:Unsubscribe:Secret"] = "test-unsubscribe-secret-0123456789abcdef";
        settings["Email:Unsubscribe:Mailbox"] = "unsubscribe@example-clinic.ru";
        settings["Email:Smtp:Host"] = "127.0.0.1";
        settings["Email:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:Smtp:UseTls"] = "false";
        settings["Email:Smtp:Timeout"] = "00:00:10";
        settings["Email:Default:From"] = "Клиника <noreply@example-clinic.ru>";
        settings["Email:Default:ReplyTo"] = "";
        settings["Email:Clinics:msk-1:From"] = "Клиника на Ленина <lenina@example-clinic.ru>";
        settings["Email:Clinics:msk-1:ReplyTo"] = "Регистратура <reception-lenina@example-clinic.ru>";
        settings["Email:MessageIdDomain"] = MessageIdDomain;
    }
}
