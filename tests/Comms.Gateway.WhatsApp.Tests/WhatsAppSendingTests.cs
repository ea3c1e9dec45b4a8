using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Gateway.WhatsApp.Tests;

public sealed class WhatsAppSendingTests(GatewayWhatsAppApp app) : IClassFixture<GatewayWhatsAppApp>
{
    [Fact]
    public async Task A_message_past_its_deadline_expires_without_a_call_to_meta()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone) with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(-1) });
        var message = await app.WaitForStatusAsync(command.MessageId, "expired");

        Assert.Equal("deadline", message.GetProperty("cause").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
        Assert.Empty(await app.SimulatorMessagesAsync(phone));
    }

    [Fact]
    public async Task Inside_the_window_a_confirmation_goes_free_form_with_reply_buttons()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        using (var inbound = await app.ReplyAsync(phone, text: "Здравствуйте"))
        {
            Assert.Equal(HttpStatusCode.OK, inbound.StatusCode);
        }

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "confirmation"));
        var message = await app.WaitForStatusAsync(command.MessageId, "accepted");

        var sent = Assert.Single(await app.SimulatorMessagesAsync(phone));
        Assert.Equal("interactive", sent.GetProperty("type").GetString());
        Assert.Equal(command.Text, sent.GetProperty("text").GetString());
        Assert.Equal("Подтверждаю", sent.GetProperty("choices").GetProperty("confirm").GetString());
        Assert.Equal("Отменить", sent.GetProperty("choices").GetProperty("cancel").GetString());
        Assert.Equal(sent.GetProperty("id").GetString(), message.GetProperty("providerMessageId").GetString());
        Assert.Equal("whatsapp", message.GetProperty("provider").GetString());
    }

    [Fact]
    public async Task Inside_the_window_a_rating_request_goes_as_a_list_of_five()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        (await app.ReplyAsync(phone, text: "Добрый день")).Dispose();

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "rating"));
        await app.WaitForStatusAsync(command.MessageId, "accepted");

        var sent = Assert.Single(await app.SimulatorMessagesAsync(phone));
        Assert.Equal(["rating-1", "rating-2", "rating-3", "rating-4", "rating-5"],
            sent.GetProperty("choices").EnumerateObject().Select(c => c.Name).Order());
    }

    [Fact]
    public async Task Outside_the_window_the_approved_template_goes_with_its_parameters()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "confirmation"));
        await app.WaitForStatusAsync(command.MessageId, "accepted");

        var sent = Assert.Single(await app.SimulatorMessagesAsync(phone));
        Assert.Equal("template", sent.GetProperty("type").GetString());
        Assert.Equal("appointment_reminder", sent.GetProperty("templateName").GetString());
        Assert.Equal("ru", sent.GetProperty("language").GetString());
        Assert.Equal(["Анна", "завтра в 10:30"], sent.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Outside_the_window_without_a_template_fails_temporarily_and_nothing_is_sent()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, templateName: null));
        var message = await app.WaitForStatusAsync(command.MessageId, "failed-temporary");

        Assert.Equal("outside the 24-hour window and no approved template", message.GetProperty("reason").GetString());
        Assert.Empty(await app.SimulatorMessagesAsync(phone));
    }

    [Fact]
    public async Task Meta_saying_outside_the_window_131047_gets_the_template_instead()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        // The gateway saw the patient write; Meta (the simulator) did not: its window is shut.
        var body = GatewayWhatsAppApp.TextPayload(phone, "Здравствуйте");
        (await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body))).Dispose();

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, expectedReply: "confirmation"));
        var message = await app.WaitForStatusAsync(command.MessageId, "accepted");

        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        var sent = Assert.Single(await app.SimulatorMessagesAsync(phone));
        Assert.Equal("template", sent.GetProperty("type").GetString());
        var requests = await app.Simulator.Http.GetStringAsync("sim/requests");
        Assert.Contains("131047", requests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meta_saying_131047_with_no_template_fails_temporarily()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        var body = GatewayWhatsAppApp.TextPayload(phone, "Здравствуйте");
        (await app.PostWebhookAsync(body, GatewayWhatsAppApp.Sign(body))).Dispose();

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone, templateName: null));
        var message = await app.WaitForStatusAsync(command.MessageId, "failed-temporary");

        Assert.StartsWith("WhatsApp 131047", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("outside the 24-hour window and no approved template", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undeliverable_131026_fails_permanently()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        await FaultAsync(new { provider = "whatsapp", to = phone, sendStatusCode = 131026 });

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "failed-permanent");

        Assert.StartsWith("WhatsApp 131026: undeliverable", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.SimulatorMessagesAsync(phone));
    }

    [Fact]
    public async Task Rate_limit_is_waited_out_for_the_recipient_and_the_message_goes_once()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        await FaultAsync(new { provider = "whatsapp", to = phone, sendStatusCode = 131056, times = 1 });

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "accepted");

        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.Single(await app.SimulatorMessagesAsync(phone));
    }

    [Fact]
    public async Task Rate_limit_that_outlasts_the_retries_fails_temporarily()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        await FaultAsync(new { provider = "whatsapp", to = phone, sendStatusCode = 130429 });

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "failed-temporary");

        Assert.Equal(3, message.GetProperty("attempts").GetInt32()); // the first try and RateLimitRetries = 2
        Assert.Contains("130429", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_consent_blocks_and_nothing_reaches_the_simulator()
    {
        var phone = GatewayWhatsAppApp.NewPhone();

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "blocked");

        Assert.Equal("no consent on record for whatsapp/service", message.GetProperty("reason").GetString());
        Assert.DoesNotContain(phone.TrimStart('+'), await app.Simulator.Http.GetStringAsync("sim/requests"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marketing_consent_does_not_stand_in_for_service_consent()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone, "marketing");

        var command = await app.SendAsync(GatewayWhatsAppApp.Command(phone));
        var message = await app.WaitForStatusAsync(command.MessageId, "blocked");

        Assert.Equal("no consent on record for whatsapp/service", message.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_same_command_twice_sends_one_message()
    {
        var phone = GatewayWhatsAppApp.NewPhone();
        await app.GrantAsync(phone);
        var command = GatewayWhatsAppApp.Command(phone);

        await app.SendAsync(command);
        await app.SendAsync(command);
        await app.WaitForStatusAsync(command.MessageId, "accepted");
        await Task.Delay(1000);

        Assert.Single(await app.SimulatorMessagesAsync(phone));
        Assert.Equal(1, (await app.MessageAsync(command.MessageId)).GetProperty("attempts").GetInt32());
    }

    private async Task FaultAsync(object fault)
    {
        using var response = await app.Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
