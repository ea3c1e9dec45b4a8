using System.Globalization;
using System.Net.Http.Json;
using System.Net;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Max.Tests;

public sealed class WebhookTests(GatewayMaxApp app) : IClassFixture<GatewayMaxApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-secret")]
    public async Task A_bad_or_missing_secret_is_refused_and_nothing_is_processed(string? secret)
    {
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        using var started = await app.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/start", new { payload = token });
        var body = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("body").GetString()!;

        using var refused = await app.PostUpdateAsync(body, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using var client = app.CreateClient();
        using var link = await client.GetAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.NotFound, link.StatusCode);
        Assert.Empty(await app.SimulatorMessagesAsync(userId));
    }

    [Fact]
    public async Task A_tap_answers_the_message_whose_button_it_is_and_the_callback_is_answered()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        var first = await app.SendAsync(GatewayMaxApp.Command(patientId, expectedReply: "confirmation"));
        await app.WaitForStatusAsync(first.MessageId, "sent");
        var later = await app.SendAsync(GatewayMaxApp.Command(patientId, expectedReply: "confirmation") with { Text = "Второй приём" });
        await app.WaitForStatusAsync(later.MessageId, "sent");
        var firstMid = (await app.SimulatorMessagesAsync(userId)).Single(m => m.GetProperty("text").GetString() == first.Text).GetProperty("mid").GetString();

        using (var tapped = await app.TapAsync(userId, "1", firstMid))
        {
            Assert.Equal(HttpStatusCode.OK, tapped.StatusCode);
        }

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        var reply = await broker.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == contact, Patience, "PatientReplied");
        Assert.Equal("1", reply.GetProperty("text").GetString());
        Assert.Equal("max", reply.GetProperty("channel").GetString());
        Assert.Equal(first.MessageId, reply.GetProperty("inReplyToMessageId").GetGuid());
        Assert.Equal("confirmation", reply.GetProperty("expectedReply").GetString());
        Assert.Equal(patientId, reply.GetProperty("patientId").GetString());
        await Eventually.TrueAsync(async () => (await app.CallbackAnswersAsync()).Length > 0, Patience, "the callback answered");
    }

    [Fact]
    public async Task The_same_update_twice_is_one_reply()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");
        var command = await app.SendAsync(GatewayMaxApp.Command(patientId, expectedReply: "confirmation"));
        await app.WaitForStatusAsync(command.MessageId, "sent");
        using var written = await app.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/messages", new { text = "2" });
        var update = await written.Content.ReadFromJsonAsync<JsonElement>();

        (await app.PostUpdateAsync(update.GetProperty("body").GetString()!, GatewayMaxApp.WebhookSecret)).Dispose();
        (await app.PostUpdateAsync(update.GetProperty("body").GetString()!, GatewayMaxApp.WebhookSecret)).Dispose();

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        var reply = await broker.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == contact, Patience, "PatientReplied");
        Assert.Equal("2", reply.GetProperty("text").GetString());
        Assert.Equal(command.MessageId, reply.GetProperty("inReplyToMessageId").GetGuid());
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.DoesNotContain((await broker.DrainAsync(replies)).Select(r => JsonDocument.Parse(r.Body).RootElement),
            m => m.GetProperty("message").GetProperty("contact").GetString() == contact);
    }

    [Fact]
    public async Task A_stop_word_opts_out_at_once_and_is_published()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");

        (await app.WriteAsync(userId, "СТОП")).Dispose();

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == contact, Patience, "OptOutReceived");
        Assert.Equal("max", optOut.GetProperty("channel").GetString());
        Assert.Equal("reply", optOut.GetProperty("method").GetString());
        Assert.Equal(patientId, optOut.GetProperty("patientId").GetString());

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));
        await app.WaitForStatusAsync(command.MessageId, "blocked");
    }

    [Fact]
    public async Task Blocking_the_bot_is_the_patients_opt_out_of_the_channel_once_and_later_sends_are_blocked()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync("Comms.Contracts.Delivery:OptOutReceived", "", "fanout");
        using var stopped = await app.Simulator.Http.PostAsJsonAsync($"sim/max/users/{userId}/stop", new { }, TestContext.Current.CancellationToken);
        stopped.EnsureSuccessStatusCode();
        var update = await stopped.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        using (var first = await app.PostUpdateAsync(update.GetProperty("body").GetString()!, GatewayMaxApp.WebhookSecret))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        (await app.PostUpdateAsync(update.GetProperty("body").GetString()!, GatewayMaxApp.WebhookSecret)).Dispose();

        var contact = userId.ToString(CultureInfo.InvariantCulture);
        var optOut = await broker.WaitForMessageAsync(optOuts, m => m.GetProperty("contact").GetString() == contact, Patience, "OptOutReceived");
        Assert.Equal("max", optOut.GetProperty("channel").GetString());
        Assert.Equal("messenger_blocked", optOut.GetProperty("method").GetString());
        Assert.Equal(patientId, optOut.GetProperty("patientId").GetString());
        Assert.Equal(GatewayMaxApp.ClinicId, optOut.GetProperty("clinicId").GetString());
        Assert.Equal(["marketing", "service"], optOut.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()).Order());
        Assert.Contains($"user {contact}", optOut.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Contains("bot_stopped", optOut.GetProperty("evidence").GetString(), StringComparison.Ordinal);

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));
        await app.WaitForStatusAsync(command.MessageId, "blocked");
        Assert.DoesNotContain(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.DoesNotContain((await broker.DrainAsync(optOuts)).Select(r => JsonDocument.Parse(r.Body).RootElement),
            m => m.GetProperty("message").GetProperty("contact").GetString() == contact);
    }
}
