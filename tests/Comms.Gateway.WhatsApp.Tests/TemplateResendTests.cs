using System.Net;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>
/// Meta took a free-form message, then reported it failed with 131047 (outside the window): the template goes instead,
/// once per failed message, however often and however close together Meta delivers that status.
/// </summary>
public sealed class TemplateResendTests(GatewayWhatsAppHeldCallsApp app) : IClassFixture<GatewayWhatsAppHeldCallsApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_131047_redelivered_while_its_template_is_on_its_way_changes_nothing_and_the_template_settles_the_message()
    {
        var (messageId, phone, first) = await AcceptedFreeFormAsync();
        var body = GatewayWhatsAppApp.StatusPayload(first, phone, "failed", 131047);

        // The first delivery's template stops on its way to Meta, its attempt committed; Meta delivers the status again.
        app.Calls.Hold(request => request.Contains("\"type\":\"template\"", StringComparison.Ordinal));
        var delivery = app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body));
        await app.Calls.Reached.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using (var redelivery = await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body)))
        {
            Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        }

        var meanwhile = await app.MessageAsync(messageId);
        app.Calls.Release();
        using (var response = await delivery)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Not ended failed-temporary by the repeat (which would send the clinic's next channel too): the template settles it.
        Assert.Equal("accepted", meanwhile.GetProperty("status").GetString());
        var message = await app.MessageAsync(messageId);
        Assert.Equal("accepted", message.GetProperty("status").GetString());
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.NotEqual(first, message.GetProperty("providerMessageId").GetString());
        Assert.Equal(["text", "template"], (await app.SimulatorMessagesAsync(phone)).Select(m => m.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_same_131047_delivered_twice_at_once_sends_one_template_and_both_deliveries_are_answered()
    {
        var (messageId, phone, first) = await AcceptedFreeFormAsync();
        var body = GatewayWhatsAppApp.StatusPayload(first, phone, "failed", 131047);
        var since = DateTimeOffset.UtcNow;

        HttpResponseMessage[] responses;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
            await using var hold = await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken);

            // The failed attempt's row is held: both deliveries read it as it is, then wait at their first write to it.
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM send_attempts WHERE \"ProviderMessageId\" = {first} FOR UPDATE", TestContext.Current.CancellationToken);
            var deliveries = new[] { app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body)), app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body)) };
            await Eventually.TrueAsync(async () => await WritersWaitingAsync() >= 2, Patience, "both deliveries waiting on the failed attempt");
            await hold.RollbackAsync(TestContext.Current.CancellationToken);
            responses = await Task.WhenAll(deliveries);
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var message = await app.MessageAsync(messageId);
        Assert.Equal("accepted", message.GetProperty("status").GetString());
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.Equal(["text", "template"], (await app.SimulatorMessagesAsync(phone)).Select(m => m.GetProperty("type").GetString()));
        Assert.Empty(app.Logs.AtLeast(LogLevel.Error, since));
    }

    /// <summary>A free-form message Meta took inside the window: its id, the patient's phone and its wamid.</summary>
    private async Task<(Guid MessageId, string Phone, string Wamid)> AcceptedFreeFormAsync()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        (await app.ReplyAsync(phone, text: "Здравствуйте")).Dispose();
        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var wamid = (await app.WaitForStatusAsync(command.MessageId, "accepted")).GetProperty("providerMessageId").GetString()!;
        return (command.MessageId, phone, wamid);
    }

    /// <summary>Statements on send_attempts waiting for a row lock in the gateway's database.</summary>
    private async Task<int> WritersWaitingAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WhatsAppDbContext>();
        return await db.Database.SqlQuery<int>($"""
            SELECT count(*)::int AS "Value" FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%send_attempts%'
            """).SingleAsync();
    }
}
