using System.Net;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Email.Tests;

/// <summary>Sending through a real SMTP server (maildev), asserting on the mail and headers it received.</summary>
public sealed class SendingTests(EmailGatewayApp app) : IClassFixture<EmailGatewayApp>
{
    private readonly EmailDriver _driver = new(app);

    [Fact]
    public async Task A_mail_past_its_deadline_expires_without_reaching_the_relay()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service") with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(-1) }, "expired");

        Assert.Equal("deadline", message.GetProperty("cause").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
        Assert.Empty(await app.MailDev.MailsToAsync(email));
    }

    [Fact]
    public async Task Consented_service_mail_arrives_with_both_parts_the_clinics_sender_and_our_message_id()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        var command = EmailDriver.Command(email, "service");

        var message = await _driver.SendAndWaitAsync(command, "sent");

        var mail = Assert.Single(await app.MailDev.MailsToAsync(email));
        var headers = mail.GetProperty("headers");
        Assert.Equal("Напоминание о приёме", mail.GetProperty("subject").GetString());
        Assert.StartsWith("multipart/alternative", headers.GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Contains("завтра в 10:30", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("<b>завтра в 10:30</b>", mail.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Equal("lenina@example-clinic.ru", Address(mail, "from"));
        Assert.Equal("Клиника на Ленина", mail.GetProperty("from")[0].GetProperty("name").GetString());
        Assert.Equal("Регистратура <reception-lenina@example-clinic.ru>", headers.GetProperty("reply-to").GetString());
        Assert.Equal($"<{command.MessageId}@{EmailSettings.MessageIdDomain}>", headers.GetProperty("message-id").GetString());
        Assert.False(headers.TryGetProperty("list-unsubscribe", out _), "service mail carries no List-Unsubscribe");
        Assert.False(headers.TryGetProperty("list-unsubscribe-post", out _));

        Assert.Equal(1, message.GetProperty("attempts").GetInt32());
        Assert.Equal("smtp", message.GetProperty("provider").GetString());
        Assert.Equal($"{command.MessageId}@{EmailSettings.MessageIdDomain}", message.GetProperty("providerMessageId").GetString());
        Assert.Equal(["queued", "sent"], message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Clinic_without_its_own_sender_mails_from_the_default_and_text_only_mail_is_plain_text()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");

        await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service", clinicId: "spb-2", html: null), "sent");

        var mail = Assert.Single(await app.MailDev.MailsToAsync(email));
        var headers = mail.GetProperty("headers");
        Assert.Equal("noreply@example-clinic.ru", Address(mail, "from"));
        Assert.False(headers.TryGetProperty("reply-to", out _), "no Reply-To is configured for the default sender");
        Assert.StartsWith("text/plain", headers.GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Contains("завтра в 10:30", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marketing_mail_carries_one_click_unsubscribe_and_posting_it_blocks_the_next_marketing_mail()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "marketing");
        await _driver.ConsentAsync(email, "service");
        var first = EmailDriver.Command(email, "marketing");

        await _driver.SendAndWaitAsync(first, "sent");

        var headers = Assert.Single(await app.MailDev.MailsToAsync(email)).GetProperty("headers");
        var listUnsubscribe = headers.GetProperty("list-unsubscribe").GetString()!;
        Assert.Equal("List-Unsubscribe=One-Click", headers.GetProperty("list-unsubscribe-post").GetString());
        var links = listUnsubscribe.Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal(2, links.Length);
        Assert.StartsWith($"<{EmailSettings.UnsubscribeBase}/", links[0], StringComparison.Ordinal);
        Assert.StartsWith("<mailto:unsubscribe@example-clinic.ru?subject=unsubscribe%20", links[1], StringComparison.Ordinal);

        // What a mail client does with it (RFC 8058): POST List-Unsubscribe=One-Click to the HTTPS URL.
        var url = new Uri(links[0].Trim('<', '>'));
        using var client = app.CreateClient();
        using var response = await client.PostAsync(url.AbsolutePath, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var next = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "marketing"), "blocked");
        Assert.StartsWith("the patient opted out of email/marketing (email_link", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, next.GetProperty("attempts").GetInt32());

        // The refusal was of marketing: the reminder still goes.
        await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "sent");
        var mails = await app.MailDev.MailsToAsync(email);
        Assert.Equal(2, mails.Length);
        Assert.Single(mails, m => m.GetProperty("headers").TryGetProperty("list-unsubscribe", out _));
    }

    [Fact]
    public async Task No_consent_blocks_and_nothing_reaches_the_server()
    {
        var email = EmailDriver.NewAddress();

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "blocked");

        Assert.Equal("no consent on record for email/service", message.GetProperty("reason").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
        Assert.Empty(await app.MailDev.MailsToAsync(email));
    }

    [Fact]
    public async Task Service_consent_does_not_clear_a_marketing_mail()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "marketing"), "blocked");

        Assert.Equal("no consent on record for email/marketing", message.GetProperty("reason").GetString());
        Assert.Empty(await app.MailDev.MailsToAsync(email));
    }

    [Fact]
    public async Task Revoked_consent_blocks_the_next_mail()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        await _driver.ConsentAsync(email, "service", granted: false);

        var message = await _driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "blocked");

        Assert.StartsWith("consent for email/service revoked", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await app.MailDev.MailsToAsync(email));
    }

    [Fact]
    public async Task The_same_send_command_twice_sends_one_mail()
    {
        var email = EmailDriver.NewAddress();
        await _driver.ConsentAsync(email, "service");
        var command = EmailDriver.Command(email, "service");
        var before = app.Received.Finished(SendQueue);

        await _driver.PublishAsync(command); // two deliveries with different transport ids: only the message id ties them
        await _driver.PublishAsync(command);
        await _driver.WaitForStatusAsync(command.MessageId, "sent");
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(SendQueue) >= before + 2), EmailDriver.Patience, "both deliveries handled");

        Assert.Single(await app.MailDev.MailsToAsync(email));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("anna@localhost")]
    public async Task Invalid_address_fails_for_good_without_a_call(string address)
    {
        var command = EmailDriver.Command(address, "service");

        var message = await _driver.SendAndWaitAsync(command, "failed-permanent");

        Assert.Equal("not a valid email address", message.GetProperty("reason").GetString());
        Assert.Equal(0, message.GetProperty("attempts").GetInt32());
    }

    private const string SendQueue = "gateway-email-send-email";

    private static string? Address(JsonElement mail, string field) => mail.GetProperty(field)[0].GetProperty("address").GetString();
}
