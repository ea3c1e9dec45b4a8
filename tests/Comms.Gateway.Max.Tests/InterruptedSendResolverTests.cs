using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Features.Sending;
using Comms.Gateway.Max.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Comms.Gateway.Max.Tests;

/// <summary>An open attempt is a call still under way until the grace has passed; only then is its message settled.</summary>
public sealed class InterruptedSendResolverTests(GatewayMaxApp app) : IClassFixture<GatewayMaxApp>
{
    [Fact]
    public async Task A_send_left_open_by_a_stopped_gateway_ends_failed_temporary_with_an_unknown_outcome_after_the_grace()
    {
        var messageId = Guid.CreateVersion7();
        var now = DateTimeOffset.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MaxDbContext>();
            db.Messages.Add(new OutgoingMessage
            {
                MessageId = messageId, Channel = Channels.Max, ClinicId = "msk-1", Contact = "123456789",
                Purpose = "service", Status = MessageStatuses.Queued, Attempts = 1, CreatedAt = now, UpdatedAt = now,
            });
            db.SendAttempts.Add(new SendAttempt { MessageId = messageId, Number = 1, Form = "text", StartedAt = now, ResolveAfter = now + TimeSpan.FromMinutes(5) });
            await db.SaveChangesAsync();
        }

        var resolver = app.Services.GetRequiredService<InterruptedSendResolver>();
        await resolver.ResolveDueAsync(CancellationToken.None);
        Assert.Equal(MessageStatuses.Queued, (await MessageAsync(messageId)).GetProperty("status").GetString());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MaxDbContext>();
            await db.SendAttempts.Where(a => a.MessageId == messageId)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.ResolveAfter, now - TimeSpan.FromSeconds(1)));
        }

        await resolver.ResolveDueAsync(CancellationToken.None);
        var message = await MessageAsync(messageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal("outcome-unknown", message.GetProperty("cause").GetString());
        Assert.Equal(InterruptedSendResolver.Reason, message.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_gateway_stopped_in_the_pause_after_a_rate_limit_leaves_an_attempt_the_resolver_settles_as_surely_not_sent()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "max", outcome = "rateLimited", times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        // MAX answers 429; after the pause the second attempt's commit fails, as a database error (or a kill) there would.
        var command = GatewayMaxApp.Command(patientId);
        var secondAttempt = app.Saves.FailNext(db => db.ChangeTracker.Entries<SendAttempt>()
            .Any(e => e.State == EntityState.Added && e.Entity.MessageId == command.MessageId && e.Entity.Number == 2));
        var handled = app.Received.Finished(SendQueue);
        await app.SendAsync(command);
        await secondAttempt.ReachedAsync();

        // The command comes again and is dropped as a repeat: only the resolver can settle the message now.
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(SendQueue) > handled), TimeSpan.FromSeconds(30), "the command handled");
        Assert.Equal(MessageStatuses.Queued, (await MessageAsync(command.MessageId)).GetProperty("status").GetString());

        var aDayLater = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(1));
        var resolver = new InterruptedSendResolver(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<IOptions<MaxOptions>>(), aDayLater, NullLogger<InterruptedSendResolver>.Instance);
        Assert.Equal(1, await resolver.ResolveDueAsync(CancellationToken.None));

        var message = await MessageAsync(command.MessageId);
        Assert.Equal(MessageStatuses.FailedTemporary, message.GetProperty("status").GetString());
        Assert.Equal(InterruptedSendResolver.BetweenTriesReason, message.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("cause").ValueKind); // surely not sent: a next channel may go
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.DoesNotContain(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    private const string SendQueue = "gateway-max-send-max";

    private async Task<JsonElement> MessageAsync(Guid messageId)
    {
        using var client = app.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{messageId}");
    }
}
