using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Templating.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Comms.Templating.Tests;

public sealed class ComposeMessageTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private const string SendSmsExchange = "Comms.Contracts.Templating:SendSms";
    private const string StatusExchange = "Comms.Contracts.Delivery:MessageStatusChanged";

    private IBus Bus => app.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task Compose_renders_the_published_template_into_SendSms()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(messageId, phone: "8 (916) 123-45-67"), TestContext.Current.CancellationToken);

        var sms = await Messages.NextAsync(probe, queue, messageId);
        var text = sms.GetProperty("text").GetString()!;
        Assert.Equal("Анна, напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.", text);
        Assert.Contains("Анна", text);
        Assert.Contains("25.11.2026", text);
        Assert.Equal("+79161234567", sms.GetProperty("phone").GetString());
        Assert.Equal("appointment.reminder", sms.GetProperty("templateKey").GetString());
        Assert.Equal(1, sms.GetProperty("templateVersion").GetInt32());
        Assert.Equal(Purposes.Service, sms.GetProperty("purpose").GetString());
        Assert.Equal("msk-1", sms.GetProperty("clinicId").GetString());
        Assert.Equal("P-77", sms.GetProperty("patientId").GetString());
        Assert.Equal("A-1001", sms.GetProperty("appointmentId").GetString());
    }

    [Fact]
    public async Task Messages_arriving_together_each_go_once_and_one_without_a_template_fails_alone()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var sent = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var statuses = await probe.BindQueueAsync(StatusExchange, "", ExchangeType.Fanout);
        var good = Enumerable.Range(0, 150).Select(_ => Guid.NewGuid()).ToArray();
        var missing = Guid.NewGuid();
        var transportId = Guid.NewGuid();

        // More than a batch at once; one of them without a published template; one delivered twice under one transport id.
        await Task.WhenAll(good.Skip(1).Select(id => Bus.Publish(Messages.Reminder(id), TestContext.Current.CancellationToken))
            .Append(Bus.Publish(Messages.Reminder(missing) with { TemplateKey = "no.such.template" }, TestContext.Current.CancellationToken))
            .Append(Bus.Publish(Messages.Reminder(good[0]), c => c.MessageId = transportId, TestContext.Current.CancellationToken))
            .Append(Bus.Publish(Messages.Reminder(good[0]), c => c.MessageId = transportId, TestContext.Current.CancellationToken)));

        var texts = new List<Guid>();
        await Eventually.TrueAsync(async () =>
        {
            while (await probe.GetAsync(sent) is { } received)
            {
                texts.Add(Messages.Payload(received).GetProperty("messageId").GetGuid());
            }

            return good.All(texts.Contains);
        }, TimeSpan.FromSeconds(30), "every good message rendered into SendSms");
        var failed = await Messages.NextAsync(probe, statuses, missing);

        Assert.Equal(good.Order(), texts.Where(good.Contains).Order());
        Assert.DoesNotContain(missing, texts);
        Assert.Equal("failed-permanent", failed.GetProperty("status").GetString());
        Assert.Contains("no.such.template", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_marketing_sms_carries_its_opt_out_and_a_service_one_does_not()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        Guid marketing = Guid.NewGuid(), service = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(marketing) with { Purpose = Purposes.Marketing }, TestContext.Current.CancellationToken);
        await Bus.Publish(Messages.Reminder(service), TestContext.Current.CancellationToken);

        var texts = new Dictionary<Guid, string>();
        await Eventually.TrueAsync(async () =>
        {
            while (await probe.GetAsync(queue) is { } received)
            {
                var payload = Messages.Payload(received);
                texts[payload.GetProperty("messageId").GetGuid()] = payload.GetProperty("text").GetString()!;
            }

            return texts.ContainsKey(marketing) && texts.ContainsKey(service);
        }, TimeSpan.FromSeconds(30), "both messages rendered into SendSms");
        var (advertised, notice) = (texts[marketing], texts[service]);
        Assert.Equal("Анна, напоминаем о приёме 25.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.\nОтказ от рассылки: ответьте СТОП", advertised);
        Assert.DoesNotContain("СТОП", notice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_delivered_twice_sends_one_sms()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();
        var transportId = NewId.NextGuid();
        var message = Messages.Reminder(messageId);
        var finishedBefore = app.Received.Finished(TemplatingApp.ComposeQueue);

        await Bus.Publish(message, context => context.MessageId = transportId, TestContext.Current.CancellationToken);
        await Bus.Publish(message, context => context.MessageId = transportId, TestContext.Current.CancellationToken);

        // Both copies are through the consumer's pipeline, and whatever they wrote to the outbox has been published.
        await Eventually.TrueAsync(
            () => Task.FromResult(app.Received.Finished(TemplatingApp.ComposeQueue) >= finishedBefore + 2),
            TimeSpan.FromSeconds(30), "both copies to be consumed");
        await Eventually.TrueAsync(OutboxIsEmptyAsync, TimeSpan.FromSeconds(30), "the outbox to be relayed");
        await Messages.NextAsync(probe, queue, messageId);
        var more = await Messages.DrainAsync(probe, queue, messageId);

        Assert.Empty(more);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        Assert.Equal(1, await db.InboxMessages.CountAsync(x => x.MessageKey == transportId.ToString(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Missing_phone_publishes_one_failed_status_naming_what_is_missing()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var statuses = await probe.BindQueueAsync(StatusExchange, "", ExchangeType.Fanout);
        var sms = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(messageId, phone: null), TestContext.Current.CancellationToken);

        var status = await Messages.NextAsync(probe, statuses, messageId);
        Assert.Equal(MessageStatuses.FailedPermanent, status.GetProperty("status").GetString());
        Assert.Equal(Channels.Sms, status.GetProperty("channel").GetString());
        Assert.Equal("patient has no phone for sms", status.GetProperty("reason").GetString());
        Assert.Equal(StatusCauses.NoContact, status.GetProperty("cause").GetString());
        Assert.Equal("A-1001", status.GetProperty("appointmentId").GetString());
        await Eventually.TrueAsync(OutboxIsEmptyAsync, TimeSpan.FromSeconds(30), "the outbox to be relayed");
        Assert.Empty(await Messages.DrainAsync(probe, statuses, messageId));
        Assert.Empty(await Messages.DrainAsync(probe, sms, messageId));
    }

    [Fact]
    public async Task Unknown_template_fails_with_the_key_channel_and_locales_tried()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var statuses = await probe.BindQueueAsync(StatusExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(messageId) with { TemplateKey = "birthday.greeting", Locale = "en" }, TestContext.Current.CancellationToken);

        var status = await Messages.NextAsync(probe, statuses, messageId);
        Assert.Equal(MessageStatuses.FailedPermanent, status.GetProperty("status").GetString());
        Assert.Equal("no published template 'birthday.greeting' for sms/en or sms/ru", status.GetProperty("reason").GetString());
        Assert.Equal(StatusCauses.NoTemplate, status.GetProperty("cause").GetString());
    }

    [Fact]
    public async Task Falls_back_along_the_channel_preference_and_to_russian()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(
            Messages.Reminder(messageId, channels: [Channels.WhatsApp, Channels.Sms], locale: "en-GB"),
            TestContext.Current.CancellationToken);

        var sms = await Messages.NextAsync(probe, queue, messageId);
        Assert.StartsWith("Анна, напоминаем", sms.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Compose_for_max_sends_SendMax_for_the_patient_with_the_deadline_and_the_button_text()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync("Comms.Contracts.Templating:SendMax", "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();
        var notAfter = DateTimeOffset.Parse("2026-11-25T07:30:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await Bus.Publish(
            Messages.Reminder(messageId, phone: null, channels: [Channels.Max, Channels.Sms]) with
            {
                TemplateKey = "appointment.confirmation", ExpectedReply = "confirmation", NotAfter = notAfter,
            },
            TestContext.Current.CancellationToken);

        var max = await Messages.NextAsync(probe, queue, messageId);
        Assert.Equal("Анна, вы записаны на приём 25.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5. Подтвердите, пожалуйста, запись или отмените её кнопкой ниже.",
            max.GetProperty("text").GetString());
        Assert.Equal("P-77", max.GetProperty("patientId").GetString());
        Assert.Equal("msk-1", max.GetProperty("clinicId").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, max.GetProperty("messengerId").ValueKind);
        Assert.Equal("confirmation", max.GetProperty("expectedReply").GetString());
        Assert.Equal(notAfter, max.GetProperty("notAfter").GetDateTimeOffset());
    }

    private async Task<bool> OutboxIsEmptyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        return !await db.OutboxMessages.AnyAsync();
    }
}
