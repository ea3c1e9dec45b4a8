using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Features.Sending;
using Comms.Gateway.Max.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

    private async Task<JsonElement> MessageAsync(Guid messageId)
    {
        using var client = app.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{messageId}");
    }
}
