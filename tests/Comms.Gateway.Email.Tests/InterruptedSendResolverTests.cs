using Comms.Contracts;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Features.Sending;
using Comms.Gateway.Email.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

/// <summary>
/// No mail rests queued with nothing to move it: an open try is a call still under way until the grace has passed, and
/// only then is its mail settled; a mail whose first try never made it onto the record is not on record either.
/// </summary>
public sealed class InterruptedSendResolverTests(ScriptedSmtpGatewayApp app) : IClassFixture<ScriptedSmtpGatewayApp>
{
    [Fact]
    public async Task A_try_younger_than_the_grace_is_left_alone_and_settled_once_it_has_passed()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EmailDbContext>();
            db.Messages.Add(new OutgoingMessage
            {
                MessageId = messageId, Channel = Channels.Email, ClinicId = "msk-1", Contact = EmailDriver.NewAddress(),
                Purpose = "service", Status = MessageStatuses.Queued, Attempts = 1, CreatedAt = now, UpdatedAt = now,
            });
            db.SendAttempts.Add(new SendAttempt { MessageId = messageId, Number = 1, StartedAt = now, ResolveAfter = now + TimeSpan.FromMinutes(5) });
            await db.SaveChangesAsync();
        }

        var resolver = app.Services.GetRequiredService<InterruptedSendResolver>();
        await resolver.ResolveDueAsync(CancellationToken.None);
        Assert.Equal(MessageStatuses.Queued, (await MessageAsync(messageId)).Status);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EmailDbContext>();
            await db.SendAttempts.Where(a => a.MessageId == messageId)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.ResolveAfter, now - TimeSpan.FromSeconds(1)));
        }

        await resolver.ResolveDueAsync(CancellationToken.None);
        var message = await MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.Status);
        Assert.Equal(InterruptedSendResolver.Reason, message.Reason);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EmailDbContext>();
            var attempt = await db.SendAttempts.SingleAsync(a => a.MessageId == messageId);
            Assert.Equal("abandoned", attempt.Outcome);
            Assert.Null(attempt.ResolveAfter);
        }
    }

    [Fact]
    public async Task A_database_failure_before_the_first_try_is_on_record_leaves_nothing_queued_and_the_command_sends_the_mail_once()
    {
        var driver = new EmailDriver(app);
        var email = EmailDriver.NewAddress();
        await driver.ConsentAsync(email, "service");

        // The first try's commit fails, as a database error (or a kill) between the gate and the relay would.
        var command = EmailDriver.Command(email, "service");
        var firstTry = app.Saves.FailNext(db => db.ChangeTracker.Entries<SendAttempt>()
            .Any(e => e.State == EntityState.Added && e.Entity.MessageId == command.MessageId));
        var handled = app.Received.Finished(SendQueue);
        await driver.PublishAsync(command);
        await firstTry.ReachedAsync();
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(SendQueue) > handled), EmailDriver.Patience, "the command handled");

        // Nothing was on record, so the command coming again is not a repeat: it sends the mail.
        var message = await MessageAsync(command.MessageId);
        Assert.Equal(MessageStatuses.Sent, message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(app.Smtp.AcceptedFor(email));
    }

    private const string SendQueue = "gateway-email-send-email";

    private async Task<OutgoingMessage> MessageAsync(Guid messageId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EmailDbContext>().Messages.AsNoTracking().SingleAsync(m => m.MessageId == messageId);
    }
}
