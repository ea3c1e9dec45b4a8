using System.Globalization;
using System.Net.Http.Json;
using Comms.Contracts.Templating;

namespace Comms.Gateway.Max.Tests;

public sealed class SendingTests(GatewayMaxApp app) : IClassFixture<GatewayMaxApp>
{
    [Fact]
    public async Task A_patient_without_a_linked_account_fails_permanently_for_want_of_a_contact()
    {
        var command = await app.SendAsync(GatewayMaxApp.Command(GatewayMaxApp.NewPatientId()));

        var message = await app.WaitForStatusAsync(command.MessageId, "failed-permanent");
        Assert.Equal("no-contact", message.GetProperty("cause").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_linked_patient_whose_consent_is_revoked_is_blocked_and_nothing_is_sent()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        await app.GrantAsync(userId, granted: false);

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        await app.WaitForStatusAsync(command.MessageId, "blocked");
        Assert.DoesNotContain(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    [Fact]
    public async Task A_linked_patient_with_consent_gets_the_message_and_it_ends_sent_with_the_max_message_id()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForStatusAsync(command.MessageId, "sent");
        var sent = Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
        Assert.Equal(sent.GetProperty("mid").GetString(), message.GetProperty("providerMessageId").GetString());
        Assert.Equal("max", message.GetProperty("provider").GetString());
        Assert.Empty(sent.GetProperty("buttons").EnumerateObject());
    }

    [Fact]
    public async Task A_messenger_id_from_the_mis_is_used_without_a_link()
    {
        var userId = GatewayMaxApp.NewUserId();
        (await app.StartAsync(userId, null)).Dispose();
        await app.GrantAsync(userId);

        var command = await app.SendAsync(GatewayMaxApp.Command("P-unlinked", messengerId: userId.ToString(CultureInfo.InvariantCulture)));

        await app.WaitForStatusAsync(command.MessageId, "sent");
    }

    [Fact]
    public async Task A_confirmation_carries_confirm_and_cancel_buttons()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId, expectedReply: "confirmation"));

        await app.WaitForStatusAsync(command.MessageId, "sent");
        var sent = Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
        var buttons = sent.GetProperty("buttons");
        Assert.Equal("Подтверждаю", buttons.GetProperty("1").GetString());
        Assert.Equal("Отменить", buttons.GetProperty("2").GetString());
    }

    [Fact]
    public async Task A_slot_offer_from_the_waitlist_carries_take_and_decline_buttons()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId, expectedReply: "waitlist"));

        await app.WaitForStatusAsync(command.MessageId, "sent");
        var sent = Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
        var buttons = sent.GetProperty("buttons");
        Assert.Equal(("Записаться", "Не нужно"), (buttons.GetProperty("1").GetString(), buttons.GetProperty("2").GetString()));
    }

    [Fact]
    public async Task A_message_past_its_deadline_expires_without_a_call_to_max()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId) with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(-1) });

        var message = await app.WaitForStatusAsync(command.MessageId, "expired");
        Assert.Equal("deadline", message.GetProperty("cause").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
        Assert.DoesNotContain(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    [Fact]
    public async Task The_same_command_twice_sends_one_message()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        var command = GatewayMaxApp.Command(patientId);

        await app.SendAsync(command);
        await app.WaitForStatusAsync(command.MessageId, "sent");
        await app.SendAsync(command);
        var other = await app.SendAsync(GatewayMaxApp.Command(patientId) with { Text = "после повтора" });
        await app.WaitForStatusAsync(other.MessageId, "sent");

        Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    [Fact]
    public async Task A_user_who_blocked_the_bot_fails_permanently()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        (await app.Simulator.Http.PostAsync($"sim/max/users/{userId}/stop", null)).Dispose();

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForStatusAsync(command.MessageId, "failed-permanent");
        Assert.Contains("403", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_after_the_request_left_is_failed_temporary_with_an_unknown_outcome_and_not_resent()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "max", delayMs = 4000, times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForStatusAsync(command.MessageId, "failed-temporary");
        Assert.Equal("outcome-unknown", message.GetProperty("cause").GetString());
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_server_error_after_max_took_the_message_is_an_unknown_outcome_and_not_resent(int httpStatus)
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        // MAX takes the message and a proxy in front of it answers the error anyway.
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "max", httpStatus, accepted = true, times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForOutcomeAsync(command.MessageId);
        Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
        Assert.Equal("failed-temporary", message.GetProperty("status").GetString());
        Assert.Equal("outcome-unknown", message.GetProperty("cause").GetString());
        Assert.Contains($"HTTP {httpStatus}", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_503_refused_at_the_door_is_tried_again_and_the_message_goes_once()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "max", outcome = "unavailable", times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForStatusAsync(command.MessageId, "sent");
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }

    [Theory]
    [InlineData(500, "unknown")]
    [InlineData(502, "unknown")]
    [InlineData(504, "unknown")]
    [InlineData(599, "unknown")]
    [InlineData(503, "retry")]
    [InlineData(429, "rate-limited")]
    public void Bot_api_answers_are_read_as_sent_refused_or_unknown(int httpStatus, string expected)
    {
        var result = Providers.BotApi.MaxBotClient.Read(httpStatus, """{"code":"internal.error","message":"Something went wrong"}""");

        var read = result switch
        {
            Providers.BotApi.MaxSendResult.Unknown => "unknown",
            Providers.BotApi.MaxSendResult.Refused { Kind: Providers.BotApi.MaxRefusal.Retry } => "retry",
            Providers.BotApi.MaxSendResult.Refused { Kind: Providers.BotApi.MaxRefusal.RateLimited } => "rate-limited",
            _ => result.ToString(),
        };
        Assert.Equal(expected, read);
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_and_the_message_goes()
    {
        var (userId, patientId) = await app.LinkedPatientAsync();
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "max", outcome = "rateLimited", times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var command = await app.SendAsync(GatewayMaxApp.Command(patientId));

        var message = await app.WaitForStatusAsync(command.MessageId, "sent");
        Assert.Equal(2, message.GetProperty("attempts").GetInt32());
        Assert.Single(await app.SimulatorMessagesAsync(userId), m => m.GetProperty("text").GetString() == command.Text);
    }
}
