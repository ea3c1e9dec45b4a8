using Comms.Delivery.Consent;
using Comms.Gateway.Email.Features.Sending;
using Comms.Gateway.Email.Providers.Smtp;
using MailKit.Net.Smtp;

namespace Comms.Gateway.Email.Tests;

public sealed class EmailOptionsTests
{
    [Fact]
    public void Missing_relay_and_sender_are_refused_naming_the_settings()
    {
        var result = new EmailOptionsValidator().Validate(null, new EmailOptions());

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Email:Smtp:Host is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Email:Default:From is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clinics_malformed_address_is_refused_naming_the_clinic_setting()
    {
        var options = Valid();
        options.Clinics["msk-1"] = new SenderOptions { From = "Клиника на Ленина", ReplyTo = "reception@clinic.ru" };
        options.Smtp.Username = "relay-user";

        var result = new EmailOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("Email:Clinics:msk-1:From is not an email address", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Email:Smtp:Password is required", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains("ReplyTo", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clinic_without_its_own_sender_takes_the_default_and_the_message_id_domain_defaults_to_the_senders()
    {
        var options = Valid();
        options.Clinics["msk-1"] = new SenderOptions { ReplyTo = "reception@lenina.clinic.ru" };

        var (from, replyTo) = options.SenderFor("msk-1");

        Assert.True(new EmailOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal("noreply@clinic.ru", from.Address);
        Assert.Equal("reception@lenina.clinic.ru", replyTo!.Address);
        Assert.Null(options.SenderFor("spb-2").ReplyTo);
        Assert.Equal("clinic.ru", options.EffectiveMessageIdDomain);
        Assert.Equal(EmailOptions.DefaultRetryDelays, options.Smtp.EffectiveRetryDelays);
    }

    [Fact]
    public void The_smtp_adapter_sends_only_what_carries_the_gates_clearance()
    {
        // The rule GateArchitectureTests checks on every gateway, seen from here: the adapter is recognisable by the
        // client it holds, and the only way to give it a mail demands a ConsentClearance.
        Assert.Contains(typeof(SmtpMailer).GetConstructors(), c => c.GetParameters().Any(p => p.ParameterType == typeof(ISmtpClient)));
        var send = Assert.Single(typeof(SmtpMailer).GetMethods(), m => m.Name.StartsWith("Send", StringComparison.Ordinal));
        Assert.Contains(send.GetParameters(), p => p.ParameterType == typeof(EmailSendRequest));
        Assert.All(typeof(EmailSendRequest).GetConstructors(), c => Assert.Contains(c.GetParameters(), p => p.ParameterType == typeof(ConsentClearance)));
    }

    private static EmailOptions Valid() => new()
    {
        Smtp = new SmtpOptions { Host = "smtp.clinic.ru" },
        Default = new SenderOptions { From = "Клиника <noreply@clinic.ru>" },
    };
}
