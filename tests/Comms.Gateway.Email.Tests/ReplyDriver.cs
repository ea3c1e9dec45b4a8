using System.Text.Json;
using System.Text.RegularExpressions;
using Comms.Contracts.Templating;
using Comms.Gateway.Email.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

/// <summary>What the answer and reply tests share: a confirmation request, its mail at maildev, the gateway's rows.</summary>
public static partial class ReplyDriver
{
    public const string PatientReplied = "Comms.Contracts.Delivery:PatientReplied";
    public const string OptOutReceived = "Comms.Contracts.Delivery:OptOutReceived";

    public static SendEmail Confirmation(string email) => EmailDriver.Command(email, "service",
        html: "<html><body><p>Анна, вы записаны на приём <b>25.11.2026 в 10:30</b>. Подтвердите запись кнопкой ниже.</p></body></html>") with
    {
        Subject = "Подтвердите запись на приём 25.11.2026 в 10:30",
        Text = "Анна, вы записаны на приём 25.11.2026 в 10:30. Подтвердите запись по ссылке ниже.",
        TemplateKey = "appointment.confirmation",
        ExpectedReply = "confirmation",
    };

    /// <summary>The mail the gateway sent for <paramref name="messageId"/>, as maildev received it.</summary>
    public static async Task<JsonElement> MailAsync(MailDev maildev, string email, Guid messageId) =>
        await Eventually.GetAsync<JsonElement>(async () => (await maildev.MailsToAsync(email)).Select(m => (JsonElement?)m)
                .FirstOrDefault(m => m!.Value.GetProperty("headers").GetProperty("message-id").GetString()!.Contains(messageId.ToString(), StringComparison.Ordinal)),
            EmailDriver.Patience, $"mail {messageId} at maildev");

    /// <summary>The «Подтвердить» and «Отменить» links, as written out in the mail's text part.</summary>
    public static (string Confirm, string Cancel) Links(JsonElement mail)
    {
        var text = mail.GetProperty("text").GetString()!;
        return (ConfirmLink().Match(text).Groups[1].Value, CancelLink().Match(text).Groups[1].Value);
    }

    /// <summary>Everything the gateway committed has reached the broker: its outbox is empty.</summary>
    public static Task OutboxRelayedAsync(IServiceProvider services) =>
        Eventually.TrueAsync(async () =>
        {
            using var scope = services.CreateScope();
            return !await scope.ServiceProvider.GetRequiredService<EmailDbContext>().OutboxMessages.AnyAsync();
        }, EmailDriver.Patience, "the gateway's outbox relayed");

    public static async Task<T> QueryAsync<T>(IServiceProvider services, Func<EmailDbContext, Task<T>> query)
    {
        using var scope = services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<EmailDbContext>());
    }

    /// <summary>The messages of a queue that match, taken now (after <see cref="OutboxRelayedAsync"/>: all there will be).</summary>
    public static async Task<List<JsonElement>> TakeAllAsync(RabbitQueueProbe broker, string queue, Func<JsonElement, bool> match) =>
        [.. (await broker.DrainAsync(queue)).Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("message")).Where(match)];

    [GeneratedRegex(@"Подтвердить запись: (\S+)")]
    private static partial Regex ConfirmLink();

    [GeneratedRegex(@"Отменить запись: (\S+)")]
    private static partial Regex CancelLink();
}
