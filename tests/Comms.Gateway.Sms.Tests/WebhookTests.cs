using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

public sealed class WebhookTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    [Fact]
    public async Task Callback_without_the_right_token_is_refused_with_problem_details()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/webhooks/sms/smsru?token=guess", Form("sms_status\n000000-1\n103\n1795424400"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unreadable_callback_gets_a_problem_naming_the_field()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form("hello"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("data[0]", out _), problem.ToString());
    }

    [Fact]
    public async Task Receipt_for_a_message_not_recorded_yet_asks_the_provider_to_retry()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form("sms_status\nno-such-id\n103\n1795424400"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Delivered_receipt_is_final_and_later_receipts_change_nothing()
    {
        var phone = SendingTests.NewPhone();
        var bus = app.Services.GetRequiredService<IBus>();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await bus.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "sms", "service", true, "paper_form", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        using var client = app.CreateClient();
        await Comms.Testing.Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!.Length == 1,
            TimeSpan.FromSeconds(30), "consent in the projection");
        var command = new SendSms(Guid.CreateVersion7(), "msk-1", "P-1", "A-1", phone, "Текст", "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await bus.Publish(command);
        var sent = await new SendingTests(app).WaitForStatusAsync(command.MessageId, "accepted");
        var smsId = sent.GetProperty("providerMessageId").GetString()!;

        using var delivered = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n103\n1795424400"));
        Assert.Equal("100", await delivered.Content.ReadAsStringAsync());
        using var again = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n103\n1795424400"));
        using var late = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n106\n1795424401"));
        Assert.Equal("100", await late.Content.ReadAsStringAsync());
        using var outOfOrder = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n102\n1795424399"));
        Assert.Equal("100", await outOfOrder.Content.ReadAsStringAsync());

        var message = await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{command.MessageId}");
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal(["queued", "accepted", "delivered"], message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Receipts_in_one_callback_are_applied_in_smsrus_numbering_data_2_before_data_10()
    {
        var phone = SendingTests.NewPhone();
        var bus = app.Services.GetRequiredService<IBus>();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await bus.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "sms", "service", true, "paper_form", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        using var client = app.CreateClient();
        await Comms.Testing.Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!.Length == 1,
            TimeSpan.FromSeconds(30), "consent in the projection");
        var command = new SendSms(Guid.CreateVersion7(), "msk-1", "P-1", "A-1", phone, "Текст", "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await bus.Publish(command);
        var smsId = (await new SendingTests(app).WaitForStatusAsync(command.MessageId, "accepted")).GetProperty("providerMessageId").GetString()!;

        // "Sent" is data[2], "delivered" data[10]: in SMS.ru's order the message is sent first, then delivered (by the
        // names' characters, data[10] would come first and the later "sent" would be dropped as a step back).
        using var callback = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", new FormUrlEncodedContent(
        [
            new KeyValuePair<string, string>("data[10]", $"sms_status\n{smsId}\n103\n1795424401"),
            new KeyValuePair<string, string>("data[2]", $"sms_status\n{smsId}\n102\n1795424400"),
        ]));

        Assert.Equal("100", await callback.Content.ReadAsStringAsync());
        var message = await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{command.MessageId}");
        Assert.Equal(["queued", "accepted", "sent", "delivered"], message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Two_receipts_applied_at_once_cannot_move_a_delivered_message_back()
    {
        var driver = new SmsDriver(app);
        var messageId = await driver.SendAsync(await driver.PatientWithConsentAsync(), "msk-1");
        var accepted = await driver.WaitForStatusAsync(messageId, "accepted");
        var smsId = accepted.GetProperty("providerMessageId").GetString()!;
        using var client = app.CreateClient();

        // "On its way" has read the message as accepted and is about to save it as sent when "delivered" commits.
        var onItsWay = app.Saves.Hold(db => db.ChangeTracker.Entries<OutgoingMessage>()
            .Any(e => e.Entity.MessageId == messageId && e.Property(m => m.Status).IsModified && e.Entity.Status == "sent"));
        var sent = client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n102\n1795424399"));
        await onItsWay.ReachedAsync();
        using (var delivered = await client.PostAsync($"/webhooks/sms/smsru?token={GatewaySmsApp.CallbackToken}", Form($"sms_status\n{smsId}\n103\n1795424400")))
        {
            Assert.Equal("100", await delivered.Content.ReadAsStringAsync());
        }

        onItsWay.Release();
        using (var late = await sent)
        {
            Assert.Equal("100", await late.Content.ReadAsStringAsync());
        }

        var message = await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{messageId}");
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal(["queued", "accepted", "delivered"], message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
    }

    private static FormUrlEncodedContent Form(string entry) => new([new KeyValuePair<string, string>("data[0]", entry)]);
}
