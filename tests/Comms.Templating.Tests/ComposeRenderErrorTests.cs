using Comms.Contracts;
using Comms.Templating.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Comms.Templating.Tests;

/// <summary>A published template that cannot be rendered fails its message with the reason; no broken text is sent.</summary>
public sealed class ComposeRenderErrorTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private const string SendSmsExchange = "Comms.Contracts.Templating:SendSms";
    private const string StatusExchange = "Comms.Contracts.Delivery:MessageStatusChanged";

    [Fact]
    public async Task A_typo_in_a_published_template_fails_the_message_naming_the_variable_and_sends_nothing()
    {
        var key = await PublishAsync("{{ patient.fistName }}, напоминаем о приёме {{ appointment.date }}.");

        var (status, sent) = await ComposeAsync(key, new Dictionary<string, string?> { ["patient.firstName"] = "Анна" });

        Assert.Equal(MessageStatuses.FailedPermanent, status.GetProperty("status").GetString());
        Assert.Equal(
            $"template '{key}' v1 for sms/ru cannot be rendered: the template uses names outside the model of '{key}': " +
            "строка 1, столбец 4: неизвестная переменная patient.fistName",
            status.GetProperty("reason").GetString());
        Assert.Empty(sent);
    }

    [Fact]
    public async Task A_template_that_fails_while_rendering_fails_the_message_and_sends_nothing()
    {
        var key = await PublishAsync("Ждём вас {{ ru.date appointment.startsAt }}.");

        var (status, sent) = await ComposeAsync(key, new Dictionary<string, string?> { ["appointment.startsAt"] = "завтра в 10" });

        Assert.Equal(MessageStatuses.FailedPermanent, status.GetProperty("status").GetString());
        var reason = status.GetProperty("reason").GetString();
        Assert.StartsWith($"template '{key}' v1 for sms/ru cannot be rendered: the template failed while rendering", reason);
        Assert.Contains("завтра в 10", reason);
        Assert.Empty(sent);
    }

    /// <summary>A published SMS template under a key of its own, so no other test renders it.</summary>
    private async Task<string> PublishAsync(string body)
    {
        var key = $"test.broken-{Guid.NewGuid():N}";
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        db.Templates.Add(new MessageTemplate
        {
            Id = Guid.NewGuid(), Key = key, Channel = Channels.Sms, Locale = "ru", Version = 1, Body = body,
            Status = TemplateStatuses.Published, Author = "test", CreatedAt = DateTimeOffset.UtcNow, PublishedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return key;
    }

    private async Task<(System.Text.Json.JsonElement Status, List<System.Text.Json.JsonElement> Sent)> ComposeAsync(
        string key, Dictionary<string, string?> model)
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var statuses = await probe.BindQueueAsync(StatusExchange, "", ExchangeType.Fanout);
        var sms = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await app.Services.GetRequiredService<IBus>().Publish(
            Messages.Reminder(messageId) with { TemplateKey = key, Model = model }, TestContext.Current.CancellationToken);

        var status = await Messages.NextAsync(probe, statuses, messageId);
        await Eventually.TrueAsync(OutboxIsEmptyAsync, TimeSpan.FromSeconds(30), "the outbox to be relayed");
        return (status, await Messages.DrainAsync(probe, sms, messageId));
    }

    private async Task<bool> OutboxIsEmptyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        return !await db.OutboxMessages.AnyAsync();
    }
}
