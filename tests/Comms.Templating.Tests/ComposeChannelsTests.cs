using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.Templating.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Comms.Templating.Tests;

/// <summary>The same ComposeMessage rendered for email and WhatsApp, and handed to those gateways.</summary>
public sealed class ComposeChannelsTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private IBus Bus => app.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task Email_gets_subject_html_and_text_with_values_html_encoded_in_the_html_part_only()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync("Comms.Contracts.Templating:SendEmail", "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();
        var message = Messages.Reminder(messageId, phone: null, channels: [Channels.Email]);
        message = message with
        {
            Recipient = message.Recipient with { Email = "Anna.Ivanova@Example.RU" },
            Model = new Dictionary<string, string?>(message.Model) { ["patient.firstName"] = "Анна <b>" },
        };

        await Bus.Publish(message, TestContext.Current.CancellationToken);

        var email = await Messages.NextAsync(probe, queue, messageId);
        Assert.Equal("anna.ivanova@example.ru", email.GetProperty("email").GetString());
        Assert.False(string.IsNullOrWhiteSpace(email.GetProperty("subject").GetString()));
        var html = email.GetProperty("html").GetString()!;
        Assert.Contains("Анна &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Анна <b>", html, StringComparison.Ordinal);
        Assert.Contains("Анна <b>", email.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("appointment.reminder", email.GetProperty("templateKey").GetString());
        Assert.Equal(Purposes.Service, email.GetProperty("purpose").GetString());
    }

    [Fact]
    public async Task WhatsApp_gets_the_text_and_the_approved_templates_parameters_rendered_in_order()
    {
        await PublishWhatsAppTemplateAsync("whatsapp-clinic");
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync("Comms.Contracts.Templating:SendWhatsApp", "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(messageId, phone: "8 916 123-45-67", channels: [Channels.WhatsApp], clinicId: "whatsapp-clinic"),
            TestContext.Current.CancellationToken);

        var whatsApp = await Messages.NextAsync(probe, queue, messageId);
        Assert.Equal("+79161234567", whatsApp.GetProperty("phone").GetString());
        Assert.Equal("Анна, ждём вас 25.11.2026 в 10:30.", whatsApp.GetProperty("text").GetString());
        Assert.Equal("appointment_reminder_v2", whatsApp.GetProperty("templateName").GetString());
        Assert.Equal(["Анна", "25.11.2026", "10:30"], whatsApp.GetProperty("templateParameters").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("ru", whatsApp.GetProperty("locale").GetString());
    }

    [Fact]
    public async Task A_channel_that_cannot_be_used_falls_to_the_next_preferred_one()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync("Comms.Contracts.Templating:SendSms", "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        // No email address and no WhatsApp template for this clinic: the SMS goes.
        await Bus.Publish(Messages.Reminder(messageId, channels: [Channels.Email, Channels.WhatsApp, Channels.Sms], clinicId: "sms-only-clinic"),
            TestContext.Current.CancellationToken);

        var sms = await Messages.NextAsync(probe, queue, messageId);
        Assert.Equal("+79161234567", sms.GetProperty("phone").GetString());
    }

    private async Task PublishWhatsAppTemplateAsync(string clinicId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        db.Templates.Add(new MessageTemplate
        {
            Id = Guid.NewGuid(),
            Key = "appointment.reminder",
            Channel = Channels.WhatsApp,
            Locale = "ru",
            ClinicId = clinicId,
            Version = 1,
            Body = "{{ patient.firstName }}, ждём вас {{ appointment.date }} в {{ appointment.time }}.",
            WhatsAppTemplateName = "appointment_reminder_v2",
            WhatsAppParameters = ["{{ patient.firstName }}", "{{ appointment.date }}", "{{ appointment.time }}"],
            Status = TemplateStatuses.Published,
            Author = "test",
            CreatedAt = DateTimeOffset.UtcNow,
            PublishedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }
}
