using System.Net;
using System.Net.Http.Json;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>An SMS Aero account as the clinic's route, end to end: the gateway process, the simulator speaking SMS Aero v2.</summary>
[Collection(ProviderAccountsCollection.Name)]
public sealed class SmsAeroGatewayTests(ProviderAccountsGateway system)
{
    [Fact]
    public async Task Sms_through_sms_aero_is_accepted_reaches_the_phone_with_the_sender_and_its_receipt_delivers_it()
    {
        var phone = await system.PatientWithConsentAsync();

        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic);
        var message = await system.WaitForStatusAsync(messageId, "delivered");

        Assert.Equal("smsaero", message.GetProperty("provider").GetString());
        var sms = Assert.Single(await system.InboxAsync(phone));
        Assert.Equal("smsaero", sms.GetProperty("provider").GetString());
        Assert.Equal("CLINIC", sms.GetProperty("sender").GetString());
        // What the provider said it charged, not the account's price per segment.
        Assert.Equal(sms.GetProperty("cost").GetDecimal(), message.GetProperty("cost").GetDecimal());
        Assert.Equal(sms.GetProperty("id").ToString(), message.GetProperty("providerMessageId").GetString());
    }

    [Fact]
    public async Task Wrong_api_key_fails_temporary_with_the_account_problem_in_the_reason()
    {
        var phone = await system.PatientWithConsentAsync();

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.AeroWrongClinic), "failed-temporary");

        Assert.Contains("SMS Aero HTTP 401", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Bad_number_fails_permanent_without_an_sms()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsaero", to = phone, outcome = "badNumber" });

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic), "failed-permanent");

        Assert.Contains("Invalid phone number", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Stop_list_answer_fails_permanent_and_blocks_the_next_message()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsaero", to = phone, outcome = "stopListed" });

        var failed = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic), "failed-permanent");
        var next = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic), "blocked");

        Assert.Contains("Number in stop list", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("opted out", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Receipt_without_the_account_token_is_refused_and_changes_nothing()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsaero", to = phone, receipt = "none" });
        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic);
        var id = (await system.WaitForStatusAsync(messageId, "accepted")).GetProperty("providerMessageId").GetString()!;
        var receipt = new { id = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), number = phone.TrimStart('+'), status = 1, extendStatus = "delivery" };

        using (var spoofed = await system.PostWebhookAsync("smsaero", "a-guessed-token", JsonContent.Create(receipt)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, spoofed.StatusCode);
        }

        Assert.Equal("accepted", (await system.MessageAsync(messageId))!.Value.GetProperty("status").GetString());
        using var genuine = await system.PostWebhookAsync("smsaero", ProviderAccountsGateway.AeroToken, JsonContent.Create(receipt));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        await system.WaitForStatusAsync(messageId, "delivered");
    }

    [Fact]
    public async Task Patient_reply_through_sms_aero_is_recorded_as_a_reply()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.AeroClinic), "delivered");
        await using var broker = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");

        await system.ReplyAsync(phone, "Да", "smsaero");

        var reply = await broker.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == phone,
            ProviderAccountsGateway.Patience, "PatientReplied from the SMS Aero callback");
        Assert.Equal("Да", reply.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Answer_after_the_timeout_is_found_in_the_message_list_and_not_sent_again()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsaero", to = phone, delayMs = 5000, receipt = "none" });

        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.AeroSlowClinic);
        var message = await system.WaitForStatusAsync(messageId, "accepted");

        var attempt = Assert.Single(await system.AttemptsAsync(messageId));
        Assert.Equal("found-later", attempt.GetProperty("outcome").GetString());
        await Task.Delay(TimeSpan.FromSeconds(5)); // the late answer has come and gone
        var sms = Assert.Single(await system.InboxAsync(phone));
        Assert.Equal(sms.GetProperty("id").ToString(), message.GetProperty("providerMessageId").GetString());
        Assert.Single(await system.AttemptsAsync(messageId));
    }
}
