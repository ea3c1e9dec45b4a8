namespace Comms.Gateway.Sms.Tests;

/// <summary>The SMS.ru adapter over its Refit interface, end to end: the gateway process, the simulator speaking SMS.ru,
/// its receipts posted to the account's webhook by the simulator.</summary>
[Collection(ProviderAccountsCollection.Name)]
public sealed class SmsRuAdapterTests(ProviderAccountsGateway system)
{
    [Fact]
    public async Task Sms_through_sms_ru_is_accepted_reaches_the_phone_with_the_sender_and_its_receipt_delivers_it()
    {
        var phone = await system.PatientWithConsentAsync();

        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.SmsRuClinic);
        var message = await system.WaitForStatusAsync(messageId, "delivered");

        Assert.Equal("smsru", message.GetProperty("provider").GetString());
        var sms = Assert.Single(await system.InboxAsync(phone));
        Assert.Equal("smsru", sms.GetProperty("provider").GetString());
        Assert.Equal("CLINIC", sms.GetProperty("sender").GetString());
        Assert.Equal(sms.GetProperty("id").ToString(), message.GetProperty("providerMessageId").GetString());
    }

    [Fact]
    public async Task No_route_answer_fails_permanent_with_the_sms_ru_code()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsru", to = phone, sendStatusCode = 207 });

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmsRuClinic), "failed-permanent");

        Assert.Contains("SMS.ru 207", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Carrier_stop_list_fails_permanent_and_blocks_the_next_message()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsru", to = phone, sendStatusCode = 215 });

        var failed = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmsRuClinic), "failed-permanent");
        var next = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmsRuClinic), "blocked");

        Assert.Contains("SMS.ru 215", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("opted out", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_500_is_an_unknown_outcome_that_sms_ru_cannot_look_up_so_it_is_not_sent_again()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsru", to = phone, httpStatus = 500 });

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmsRuClinic), "failed-temporary");

        Assert.Contains("SMS.ru answered HTTP 500", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await system.AttemptsAsync(message.GetProperty("messageId").GetGuid()));
    }
}
