using System.Net;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.WhatsApp.Tests;

public sealed class WhatsAppWebhookTests(GatewayWhatsAppApp app) : IClassFixture<GatewayWhatsAppApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Verification_handshake_echoes_the_challenge_only_for_the_right_token()
    {
        using var client = app.CreateClient();

        using var good = await client.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={GatewayWhatsAppApp.VerifyToken}&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("1158201444", await good.Content.ReadAsStringAsync());

        using var wrong = await client.GetAsync("/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.DoesNotContain("1158201444", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-signature")]
    public async Task Bad_or_missing_signature_is_refused_and_changes_nothing(string? signature)
    {
        var (phone, wamid, messageId) = await AcceptedMessageAsync();
        var delivered = GatewayWhatsAppApp.StatusPayload(wamid, phone, "delivered");

        using var refused = await app.PostWebhookAsync(delivered, signature);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // A body signed, then altered, fails too: the signature covers the raw bytes.
        using var altered = await app.PostWebhookAsync(delivered.Replace("delivered", "read", StringComparison.Ordinal), GatewayWhatsAppApp.Sign(delivered));
        Assert.Equal(HttpStatusCode.Unauthorized, altered.StatusCode);

        Assert.Equal("accepted", (await app.MessageAsync(messageId)).GetProperty("status").GetString());

        // A spoofed "СТОП" changes nothing either.
        using var spoofedStop = await app.PostWebhookAsync(GatewayWhatsAppApp.TextPayload(phone, "СТОП"), signature);
        Assert.Equal(HttpStatusCode.Unauthorized, spoofedStop.StatusCode);
        var consent = (await ConsentsAsync(phone)).Single();
        Assert.True(consent.GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task Statuses_from_the_simulator_move_the_message_to_delivered()
    {
        var (phone, _, messageId) = await AcceptedMessageAsync();

        var statuses = await Eventually.GetAsync(async () =>
        {
            var built = await app.StatusWebhooksAsync(phone);
            return built.Length >= 2 ? built : null;
        }, Patience, "sent and delivered webhooks at the simulator");
        foreach (var webhook in statuses)
        {
            using var response = await app.PostWebhookAsync(webhook.GetProperty("body").GetString()!, webhook.GetProperty("signature").GetString());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var message = await app.MessageAsync(messageId);
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal(["queued", "accepted", "sent", "delivered"], History(message));
    }

    [Fact]
    public async Task Statuses_out_of_order_and_repeated_only_move_up()
    {
        var (phone, wamid, messageId) = await AcceptedMessageAsync();

        foreach (var status in new[] { "read", "sent", "delivered", "read", "failed" })
        {
            var body = GatewayWhatsAppApp.StatusPayload(wamid, phone, status, status == "failed" ? 131026 : null);
            using var response = await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var message = await app.MessageAsync(messageId);
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal(["queued", "accepted", "delivered"], History(message));
    }

    [Fact]
    public async Task Failed_status_with_131026_fails_the_message_permanently()
    {
        var (phone, wamid, messageId) = await AcceptedMessageAsync();
        var body = GatewayWhatsAppApp.StatusPayload(wamid, phone, "failed", 131026);

        using var response = await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await app.MessageAsync(messageId);
        Assert.Equal("failed-permanent", message.GetProperty("status").GetString());
        Assert.StartsWith("WhatsApp 131026", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_status_with_131047_after_a_free_form_message_sends_the_template()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        (await app.ReplyAsync(phone, text: "Здравствуйте")).Dispose();
        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var first = (await app.WaitForStatusAsync(command.MessageId, "accepted")).GetProperty("providerMessageId").GetString()!;

        var body = GatewayWhatsAppApp.StatusPayload(first, phone, "failed", 131047);
        using var response = await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = await app.MessageAsync(command.MessageId);
        Assert.Equal("accepted", message.GetProperty("status").GetString());
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.NotEqual(first, message.GetProperty("providerMessageId").GetString());
        var sent = await app.SimulatorMessagesAsync(phone);
        Assert.Equal(["text", "template"], sent.Select(m => m.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Status_for_an_unknown_recent_wamid_asks_for_a_retry_and_an_old_one_is_dropped()
    {
        var recent = GatewayWhatsAppApp.StatusPayload("wamid.UNKNOWN" + Guid.NewGuid().ToString("N"), "+79161234567", "delivered");
        using var retry = await app.PostWebhookAsync(recent, GatewayWhatsAppApp.Sign(recent));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);

        var old = GatewayWhatsAppApp.StatusPayload("wamid.UNKNOWN" + Guid.NewGuid().ToString("N"), "+79161234567", "delivered",
            timestamp: DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds());
        using var dropped = await app.PostWebhookAsync(old, GatewayWhatsAppApp.Sign(old));
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
    }

    [Fact]
    public async Task Tapping_confirm_replies_1_to_that_very_message()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        await app.GrantAsync(phone);
        (await app.ReplyAsync(phone, text: "Здравствуйте")).Dispose();
        var confirmation = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "confirmation"));
        var wamid = (await app.WaitForStatusAsync(confirmation.MessageId, "accepted")).GetProperty("providerMessageId").GetString();
        // A later message that also expects an answer: the tap still answers the one whose button it is.
        var rating = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "rating"));
        await app.WaitForStatusAsync(rating.MessageId, "accepted");

        using var tap = await app.ReplyAsync(phone, buttonId: "confirm", contextMessageId: wamid);
        Assert.Equal(HttpStatusCode.OK, tap.StatusCode);

        // The greeting that opened the window was a PatientReplied of its own (answering nothing): skip it.
        var reply = await broker.WaitForMessageAsync(replies,
            m => m.GetProperty("contact").GetString() == phone && m.GetProperty("text").GetString() != "Здравствуйте", Patience, "PatientReplied");
        Assert.Equal("1", reply.GetProperty("text").GetString());
        Assert.Equal(confirmation.MessageId, reply.GetProperty("inReplyToMessageId").GetGuid());
        Assert.Equal("confirmation", reply.GetProperty("expectedReply").GetString());
        Assert.Equal("whatsapp", reply.GetProperty("channel").GetString());
        Assert.Equal("A-1", reply.GetProperty("appointmentId").GetString());
    }

    [Fact]
    public async Task Typed_text_answers_the_latest_message_that_asked_and_a_repeated_webhook_counts_once()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        await app.GrantAsync(phone);
        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "confirmation"));
        await app.WaitForStatusAsync(command.MessageId, "accepted");

        var body = GatewayWhatsAppApp.TextPayload(phone, "2");
        (await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body))).Dispose();
        (await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body))).Dispose();

        var reply = await broker.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == phone, Patience, "PatientReplied");
        Assert.Equal("2", reply.GetProperty("text").GetString());
        Assert.Equal(command.MessageId, reply.GetProperty("inReplyToMessageId").GetGuid());
        await Task.Delay(1500);
        var more = await broker.DrainAsync(replies);
        Assert.DoesNotContain(more, r => JsonDocument.Parse(r.Body).RootElement.GetProperty("message").GetProperty("contact").GetString() == phone);
    }

    [Fact]
    public async Task Stop_revokes_whatsapp_at_once_and_blocks_the_next_message()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        await app.GrantAsync(phone);

        using (var stop = await app.ReplyAsync(phone, text: "СТОП"))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        Assert.All(await ConsentsAsync(phone), c => Assert.False(c.GetProperty("granted").GetBoolean()));
        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == phone, Patience, "OptOutReceived");
        Assert.Equal("whatsapp", optOut.GetProperty("channel").GetString());
        Assert.Equal("СТОП", optOut.GetProperty("evidence").GetString());

        var next = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(next.MessageId, "blocked");
        Assert.StartsWith("the patient opted out of whatsapp/service (reply", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.SimulatorMessagesAsync(phone));
    }

    private async Task<(string Phone, string Wamid, Guid MessageId)> AcceptedMessageAsync()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "accepted");
        return (phone, message.GetProperty("providerMessageId").GetString()!, command.MessageId);
    }

    private async Task<JsonElement[]> ConsentsAsync(string phone)
    {
        using var client = app.CreateClient();
        var response = await client.GetStringAsync($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}");
        return JsonSerializer.Deserialize<JsonElement[]>(response)!;
    }

    private static string[] History(JsonElement message) =>
        [.. message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!)];
}
