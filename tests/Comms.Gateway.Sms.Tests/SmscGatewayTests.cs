using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>An SMSC.ru account as the clinic's route, end to end: the gateway process, the simulator speaking SMSC.ru.</summary>
[Collection(ProviderAccountsCollection.Name)]
public sealed class SmscGatewayTests(ProviderAccountsGateway system)
{
    [Fact]
    public async Task Sms_through_smsc_is_accepted_reaches_the_phone_with_the_sender_and_its_receipt_delivers_it()
    {
        var phone = await system.PatientWithConsentAsync();

        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic);
        var message = await system.WaitForStatusAsync(messageId, "delivered");

        Assert.Equal("smsc", message.GetProperty("provider").GetString());
        var sms = Assert.Single(await system.InboxAsync(phone));
        Assert.Equal("smsc", sms.GetProperty("provider").GetString());
        Assert.Equal("CLINIC", sms.GetProperty("sender").GetString());
        // What the provider said it charged, not the account's price per segment.
        Assert.Equal(sms.GetProperty("cost").GetDecimal(), message.GetProperty("cost").GetDecimal());
        // Our client id went with the send, and SMSC's receipt names it.
        var attempt = Assert.Single(await system.AttemptsAsync(messageId));
        Assert.Equal(attempt.GetProperty("providerMessageId").GetString(), message.GetProperty("providerMessageId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", message.GetProperty("providerMessageId").GetString());
    }

    [Fact]
    public async Task Wrong_password_fails_temporary_with_the_account_problem_in_the_reason()
    {
        var phone = await system.PatientWithConsentAsync();

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscWrongClinic), "failed-temporary");

        Assert.Contains("SMSC.ru error 2", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Bad_number_fails_permanent_without_an_sms()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsc", to = phone, outcome = "badNumber" });

        var message = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic), "failed-permanent");

        Assert.Contains("SMSC.ru error 7", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Stop_list_receipt_fails_permanent_and_blocks_the_next_message()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsc", to = phone, outcome = "stopListed" });

        var failed = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic), "failed-permanent");
        var next = await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic), "blocked");

        Assert.Contains("SMSC.ru status 23", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("opted out", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await system.InboxAsync(phone));
    }

    [Fact]
    public async Task Callback_with_a_wrong_sha1_is_refused_and_changes_nothing()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsc", to = phone, receipt = "none" });
        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic);
        var accepted = await system.WaitForStatusAsync(messageId, "accepted");
        var id = accepted.GetProperty("providerMessageId").GetString()!;
        var digits = phone.TrimStart('+');

        using (var spoofed = await system.PostWebhookAsync("smsc", ProviderAccountsGateway.SmscToken,
                   Receipt(id, digits, status: 1, Sha1($"{id}:{digits}:1:a-guessed-password"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, spoofed.StatusCode);
        }

        using (var unsigned = await system.PostWebhookAsync("smsc", ProviderAccountsGateway.SmscToken, Receipt(id, digits, status: 1, sha1: null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        Assert.Equal("accepted", (await system.MessageAsync(messageId))!.Value.GetProperty("status").GetString());

        // The same receipt signed with the account's password is taken.
        using var genuine = await system.PostWebhookAsync("smsc", ProviderAccountsGateway.SmscToken,
            Receipt(id, digits, status: 1, Sha1($"{id}:{digits}:1:{ProviderAccountsGateway.SmscPassword}")));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal("OK", await genuine.Content.ReadAsStringAsync());
        await system.WaitForStatusAsync(messageId, "delivered");
    }

    [Fact]
    public async Task Patient_reply_through_smsc_is_recorded_as_a_reply()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic), "delivered");
        await using var broker = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var replies = await broker.BindQueueAsync("Comms.Contracts.Delivery:PatientReplied", "", "fanout");

        await system.ReplyAsync(phone, "Да, приду", "smsc");

        var reply = await broker.WaitForMessageAsync(replies, m => m.GetProperty("contact").GetString() == phone,
            ProviderAccountsGateway.Patience, "PatientReplied from the SMSC.ru callback");
        Assert.Equal("Да, приду", reply.GetProperty("text").GetString());
        Assert.Equal("sms", reply.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Stop_reply_through_smsc_blocks_the_next_message()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.WaitForStatusAsync(await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic), "delivered");

        await system.ReplyAsync(phone, "СТОП", "smsc");

        var next = await Eventually.GetAsync<JsonElement>(async () =>
        {
            var id = await system.SendAsync(phone, ProviderAccountsGateway.SmscClinic);
            var message = await system.WaitForStatusAsync(id, "blocked");
            return message;
        }, ProviderAccountsGateway.Patience, "the next message blocked by the opt-out");
        Assert.StartsWith("the patient opted out", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_after_the_timeout_is_looked_up_by_client_id_and_not_sent_again()
    {
        var phone = await system.PatientWithConsentAsync();
        await system.FaultAsync(new { provider = "smsc", to = phone, delayMs = 5000, receipt = "none" });

        var messageId = await system.SendAsync(phone, ProviderAccountsGateway.SmscSlowClinic);
        await system.WaitForStatusAsync(messageId, "accepted");

        var attempt = Assert.Single(await system.AttemptsAsync(messageId));
        Assert.Equal("found-later", attempt.GetProperty("outcome").GetString());
        Assert.Equal(attempt.GetProperty("providerMessageId").GetString(), (await system.MessageAsync(messageId))!.Value.GetProperty("providerMessageId").GetString());
        await Task.Delay(TimeSpan.FromSeconds(5)); // the late answer has come and gone
        Assert.Single(await system.InboxAsync(phone));
        Assert.Single(await system.AttemptsAsync(messageId));
    }

    private static FormUrlEncodedContent Receipt(string id, string phone, int status, string? sha1)
    {
        var fields = new Dictionary<string, string>
        {
            ["id"] = id,
            ["phone"] = phone,
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["err"] = "0",
        };
        if (sha1 is not null)
        {
            fields["sha1"] = sha1;
        }

        return new FormUrlEncodedContent(fields);
    }

#pragma warning disable CA5350 // SMSC.ru's signature is SHA-1
    private static string Sha1(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
}
