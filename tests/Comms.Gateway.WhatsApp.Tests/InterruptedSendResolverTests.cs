using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Messages;
using Comms.Gateway.WhatsApp.Features.Sending;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>An open attempt is a call still under way until the grace has passed; only then is its message settled.</summary>
public sealed class InterruptedSendResolverTests(GatewayWhatsAppApp app) : IClassFixture<GatewayWhatsAppApp>
{
    [Fact]
    public async Task An_attempt_younger_than_the_grace_is_left_alone_and_settled_once_it_has_passed()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            db.Messages.Add(new OutgoingMessage
            {
                MessageId = messageId, Channel = Channels.WhatsApp, ClinicId = "msk-1", Contact = GatewayWhatsAppApp.NewPhone(),
                Purpose = "service", Status = MessageStatuses.Queued, Attempts = 1, CreatedAt = now, UpdatedAt = now,
            });
            db.WhatsAppMessages.Add(new WhatsAppMessage { MessageId = messageId, PhoneNumberId = GatewayWhatsAppApp.PhoneNumberId, Locale = "ru", TemplateParameters = ["Анна"] });
            db.SendAttempts.Add(new SendAttempt { MessageId = messageId, Number = 1, Form = "text", StartedAt = now, ResolveAfter = now + TimeSpan.FromMinutes(5) });
            await db.SaveChangesAsync();
        }

        var resolver = app.Services.GetRequiredService<InterruptedSendResolver>();
        await resolver.ResolveDueAsync(CancellationToken.None);
        Assert.Equal(MessageStatuses.Queued, (await app.MessageAsync(messageId)).GetProperty("status").GetString());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            await db.SendAttempts.Where(a => a.MessageId == messageId)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.ResolveAfter, now - TimeSpan.FromSeconds(1)));
        }

        await resolver.ResolveDueAsync(CancellationToken.None);
        var message = await app.MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.Reason, message.GetProperty("reason").GetString());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            var attempt = await db.SendAttempts.SingleAsync(a => a.MessageId == messageId);
            Assert.Equal("abandoned", attempt.Outcome);
            Assert.Null(attempt.ResolveAfter);
            Assert.Empty((await db.WhatsAppMessages.SingleAsync(m => m.MessageId == messageId)).TemplateParameters);
        }
    }

    [Fact]
    public async Task A_refused_attempt_left_open_over_its_pause_ends_the_message_as_surely_not_sent()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            db.Messages.Add(new OutgoingMessage
            {
                MessageId = messageId, Channel = Channels.WhatsApp, ClinicId = "msk-1", Contact = GatewayWhatsAppApp.NewPhone(),
                Purpose = "service", Status = MessageStatuses.Queued, Attempts = 1, CreatedAt = now, UpdatedAt = now,
            });
            db.WhatsAppMessages.Add(new WhatsAppMessage { MessageId = messageId, PhoneNumberId = GatewayWhatsAppApp.PhoneNumberId, Locale = "ru", TemplateParameters = ["Анна"] });

            // What a gateway killed during a rate-limit pause leaves: Meta refused the attempt, the next never began.
            db.SendAttempts.Add(new SendAttempt
            {
                MessageId = messageId, Number = 1, Form = "text", StartedAt = now, FinishedAt = now, Outcome = "refused", Code = 130429,
                ResolveAfter = now - TimeSpan.FromSeconds(1),
            });
            await db.SaveChangesAsync();
        }

        await app.Services.GetRequiredService<InterruptedSendResolver>().ResolveDueAsync(CancellationToken.None);

        var message = await app.MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.BetweenTriesReason, message.GetProperty("reason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, message.GetProperty("cause").ValueKind);
    }

    [Fact]
    public async Task A_template_resend_claimed_by_a_webhook_that_stopped_before_sending_it_ends_the_message_as_not_sent()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            db.Messages.Add(AcceptedMessage(messageId, now));
            db.WhatsAppMessages.Add(Details(messageId));

            // What a gateway killed after claiming the resend leaves: Meta failed the free-form with 131047, no template began.
            db.SendAttempts.Add(new SendAttempt
            {
                MessageId = messageId, Number = 1, Form = "text", StartedAt = now, FinishedAt = now, Outcome = "failed", Code = 131047,
                ProviderMessageId = "wamid.FAILED" + messageId.ToString("N"), ResolveAfter = now - TimeSpan.FromSeconds(1),
            });
            await db.SaveChangesAsync();
        }

        await app.Services.GetRequiredService<InterruptedSendResolver>().ResolveDueAsync(CancellationToken.None);

        var message = await app.MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.TemplateNeverSentReason, message.GetProperty("reason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, message.GetProperty("cause").ValueKind);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            Assert.Null((await db.SendAttempts.SingleAsync(a => a.MessageId == messageId)).ResolveAfter);
            Assert.Empty((await db.WhatsAppMessages.SingleAsync(m => m.MessageId == messageId)).TemplateParameters);
        }
    }

    [Fact]
    public async Task A_template_resend_left_open_by_a_stopped_gateway_ends_its_accepted_message_with_an_unknown_outcome()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            db.Messages.Add(AcceptedMessage(messageId, now, attempts: 2));
            db.WhatsAppMessages.Add(Details(messageId));
            db.SendAttempts.Add(new SendAttempt
            {
                MessageId = messageId, Number = 1, Form = "text", StartedAt = now, FinishedAt = now, Outcome = "failed", Code = 131047,
                ProviderMessageId = "wamid.FAILED" + messageId.ToString("N"),
            });
            // The template's call was under way when the gateway stopped: the message stays accepted, the attempt open.
            db.SendAttempts.Add(new SendAttempt { MessageId = messageId, Number = 2, Form = "template", StartedAt = now, ResolveAfter = now - TimeSpan.FromSeconds(1) });
            await db.SaveChangesAsync();
        }

        await app.Services.GetRequiredService<InterruptedSendResolver>().ResolveDueAsync(CancellationToken.None);

        var message = await app.MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.Reason, message.GetProperty("reason").GetString());
        Assert.Equal(StatusCauses.OutcomeUnknown, message.GetProperty("cause").GetString());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            Assert.Equal("abandoned", (await db.SendAttempts.SingleAsync(a => a.MessageId == messageId && a.Number == 2)).Outcome);
        }
    }

    private static OutgoingMessage AcceptedMessage(Guid messageId, DateTimeOffset now, int attempts = 1) => new()
    {
        MessageId = messageId, Channel = Channels.WhatsApp, ClinicId = "msk-1", Contact = GatewayWhatsAppApp.NewPhone(),
        Purpose = "service", Status = MessageStatuses.Accepted, Attempts = attempts, Provider = "whatsapp",
        ProviderMessageId = "wamid.FAILED" + messageId.ToString("N"), CreatedAt = now, UpdatedAt = now, AcceptedAt = now,
    };

    private static WhatsAppMessage Details(Guid messageId) => new()
    {
        MessageId = messageId, PhoneNumberId = GatewayWhatsAppApp.PhoneNumberId, Locale = "ru", TemplateName = "appointment_reminder",
        TemplateParameters = ["Анна"], Form = "text",
    };

    [Fact]
    public async Task A_gateway_stopped_between_meta_saying_outside_the_window_and_the_template_leaves_an_attempt_the_resolver_settles()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        // The gateway saw the patient write; Meta (the simulator) did not: it answers 131047 and the template is next.
        var body = GatewayWhatsAppApp.TextPayload(phone, "Здравствуйте");
        (await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body))).Dispose();

        // The template's attempt fails to commit, as a database error (or a kill) between the two attempts would.
        var command = GatewayWhatsAppApp.Command(phone);
        var template = app.Saves.FailNext(db => db.ChangeTracker.Entries<SendAttempt>()
            .Any(e => e.State == EntityState.Added && e.Entity.MessageId == command.MessageId && e.Entity.Number == 2));
        var handled = app.Received.Finished(SendQueue);
        await app.SendAsync(command);
        await template.ReachedAsync();

        // The command comes again and is dropped as a repeat: only the resolver can settle the message now.
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(SendQueue) > handled), TimeSpan.FromSeconds(30), "the command handled");
        Assert.Equal(MessageStatuses.Queued, (await app.MessageAsync(command.MessageId)).GetProperty("status").GetString());

        var aDayLater = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        var resolver = new InterruptedSendResolver(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<IOptions<WhatsAppOptions>>(), aDayLater, NullLogger<InterruptedSendResolver>.Instance);
        Assert.Equal(1, await resolver.ResolveDueAsync(CancellationToken.None));

        var message = await app.MessageAsync(command.MessageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.BetweenTriesReason, message.GetProperty("reason").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, message.GetProperty("cause").ValueKind); // surely not sent: a next channel may go
        Assert.Empty(await app.SimulatorMessagesAsync(phone));
    }

    private const string SendQueue = "gateway-whatsapp-send-whats-app";
}
