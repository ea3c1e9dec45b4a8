using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Comms.Gateway.Email.Features.Answers;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

/// <summary>A confirmation request answered by its signed «Подтвердить» / «Отменить» links.</summary>
public sealed class ConfirmationAnswerTests(ReplyGatewayApp app) : IClassFixture<ReplyGatewayApp>
{
    [Fact]
    public async Task A_confirmation_request_carries_both_buttons_and_sends_replies_to_the_reply_mailbox()
    {
        var (email, command, mail) = await SendConfirmationAsync();
        var reminder = EmailDriver.Command(email, "service");
        await new EmailDriver(app).SendAndWaitAsync(reminder, "sent");
        var reminderMail = await ReplyDriver.MailAsync(app.MailDev, email, reminder.MessageId);

        var (confirm, cancel) = ReplyDriver.Links(mail);
        Assert.StartsWith(EmailSettings.AnswerBase + "/", confirm, StringComparison.Ordinal);
        Assert.StartsWith(EmailSettings.AnswerBase + "/", cancel, StringComparison.Ordinal);
        Assert.NotEqual(confirm, cancel);
        var html = mail.GetProperty("html").GetString()!;
        Assert.Matches($"(?s)Подтвердите запись кнопкой ниже.*href=\"{Regex(confirm)}\"[^>]*>Подтвердить</a>.*href=\"{Regex(cancel)}\"[^>]*>Отменить</a>.*</body>", html);
        Assert.StartsWith("Анна, вы записаны на приём 25.11.2026 в 10:30. Подтвердите запись по ссылке ниже.", mail.GetProperty("text").GetString(), StringComparison.Ordinal);

        // A "1" by reply reaches the reader whatever the clinic's Reply-To; other mail keeps the clinic's.
        Assert.Equal($"Клиника на Ленина <{EmailSettings.ReplyAddress}>", mail.GetProperty("headers").GetProperty("reply-to").GetString());
        Assert.Equal("Регистратура <reception-lenina@example-clinic.ru>", reminderMail.GetProperty("headers").GetProperty("reply-to").GetString());
        Assert.DoesNotContain("/answer/", reminderMail.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(command.MessageId.ToString(), mail.GetProperty("headers").GetProperty("message-id").GetString()!.Split('@')[0].TrimStart('<'));
    }

    [Fact]
    public async Task Following_a_link_only_asks_and_the_pages_button_answers_that_message_once()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, command, mail) = await SendConfirmationAsync();
        var (confirm, cancel) = ReplyDriver.Links(mail);
        using var browser = Browserlike();

        // What a mail scanner does: fetch every link. Nothing changes.
        using (var page = await browser.GetAsync(confirm))
        using (var other = await browser.GetAsync(cancel))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<title>Подтверждение записи</title>", html, StringComparison.Ordinal);
            Assert.Contains("<button type=\"submit\" id=\"answer\">Подтвердить запись</button>", html, StringComparison.Ordinal);
            Assert.Contains("Отменить запись</button>", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await ReplyDriver.OutboxRelayedAsync(app.Services);
        Assert.Empty(await ReplyDriver.TakeAllAsync(broker, replies, r => r.GetProperty("contact").GetString() == email));
        Assert.False(await ReplyDriver.QueryAsync(app.Services, db => db.LinkAnswers.AnyAsync(a => a.MessageId == command.MessageId)));

        using (var answered = await browser.PostAsync(confirm, Confirmed()))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            Assert.Contains("<p id=\"done\">Спасибо! Мы передали клинике, что вы придёте.</p>", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var reply = await broker.WaitForMessageAsync(replies, r => r.GetProperty("contact").GetString() == email, EmailDriver.Patience, "PatientReplied");
        Assert.Equal("email", reply.GetProperty("channel").GetString());
        Assert.Equal("1", reply.GetProperty("text").GetString());
        Assert.Equal(command.MessageId.ToString(), reply.GetProperty("inReplyToMessageId").GetString());
        Assert.Equal("confirmation", reply.GetProperty("expectedReply").GetString());
        Assert.Equal(("msk-1", "P-1", "A-1"), (reply.GetProperty("clinicId").GetString(), reply.GetProperty("patientId").GetString(), reply.GetProperty("appointmentId").GetString()));

        // Clicked again, or the other button: told it was answered; no second answer.
        using var again = await browser.PostAsync(confirm, Confirmed());
        using var changed = await browser.PostAsync(cancel, Confirmed());
        using var seen = await browser.GetAsync(cancel);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("Вы уже подтвердили эту запись", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("Вы уже подтвердили эту запись", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("id=\"already\"", await seen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await ReplyDriver.OutboxRelayedAsync(app.Services);
        Assert.Empty(await ReplyDriver.TakeAllAsync(broker, replies, r => r.GetProperty("contact").GetString() == email));
        Assert.Equal("1", (await ReplyDriver.QueryAsync(app.Services, db => db.LinkAnswers.SingleAsync(a => a.MessageId == command.MessageId))).Answer);
    }

    [Fact]
    public async Task The_cancel_button_asks_to_cancel()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, command, mail) = await SendConfirmationAsync();
        using var browser = Browserlike();

        using var answered = await browser.PostAsync(ReplyDriver.Links(mail).Cancel, Confirmed());

        Assert.Contains("Мы передали клинике, что запись нужно отменить.", await answered.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reply = await broker.WaitForMessageAsync(replies, r => r.GetProperty("contact").GetString() == email, EmailDriver.Patience, "PatientReplied");
        Assert.Equal(("2", command.MessageId.ToString()), (reply.GetProperty("text").GetString(), reply.GetProperty("inReplyToMessageId").GetString()));
    }

    [Fact]
    public async Task Expired_forged_and_unknown_links_get_a_russian_page_in_a_browser_and_problem_details_otherwise()
    {
        var (_, command, _) = await SendConfirmationAsync();
        var links = app.Services.GetRequiredService<AnswerLinks>();
        var expired = links.TokenFor(new AnswerLink(command.MessageId, AnswerLinks.Confirm, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var unknown = links.TokenFor(new AnswerLink(Guid.CreateVersion7(), AnswerLinks.Confirm, DateTimeOffset.UtcNow.AddDays(1)));
        using var browser = Browserlike();
        using var api = app.CreateClient();

        foreach (var (token, status, page) in new[]
                 {
                     (expired, HttpStatusCode.Gone, "Эта ссылка больше не действует"),
                     ("not-a-token", HttpStatusCode.BadRequest, "Ссылка повреждена или открыта не из письма клиники"),
                     (expired[..^3] + "AAA", HttpStatusCode.BadRequest, "Ссылка повреждена"),
                     (unknown, HttpStatusCode.NotFound, "Мы не нашли письмо"),
                 })
        {
            using var shown = await browser.GetAsync($"/answer/{token}");
            using var posted = await browser.PostAsync($"/answer/{token}", Confirmed());
            using var problem = await api.PostAsync($"/answer/{token}", Confirmed());

            Assert.Equal((status, "text/html"), (shown.StatusCode, shown.Content.Headers.ContentType?.MediaType));
            Assert.Contains(page, await shown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(status, posted.StatusCode);
            Assert.Equal((status, "application/problem+json"), (problem.StatusCode, problem.Content.Headers.ContentType?.MediaType));
        }

        Assert.False(await ReplyDriver.QueryAsync(app.Services, db => db.LinkAnswers.AnyAsync(a => a.MessageId == command.MessageId)));
    }

    [Fact]
    public async Task A_post_without_the_pages_field_is_refused_naming_the_field()
    {
        var (_, command, mail) = await SendConfirmationAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsync(ReplyDriver.Links(mail).Confirm, new FormUrlEncodedContent([new("x", "y")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("must be 1", problem.GetProperty("errors").GetProperty("confirm")[0].GetString());
        Assert.False(await ReplyDriver.QueryAsync(app.Services, db => db.LinkAnswers.AnyAsync(a => a.MessageId == command.MessageId)));
    }

    private async Task<(string Email, Comms.Contracts.Templating.SendEmail Command, JsonElement Mail)> SendConfirmationAsync()
    {
        var driver = new EmailDriver(app);
        var email = EmailDriver.NewAddress();
        await driver.ConsentAsync(email, "service");
        var command = ReplyDriver.Confirmation(email);
        await driver.SendAndWaitAsync(command, "sent");
        return (email, command, await ReplyDriver.MailAsync(app.MailDev, email, command.MessageId));
    }

    /// <summary>Calls as a browser does: asks for HTML. (The in-process server takes the links' public URLs as they are.)</summary>
    private HttpClient Browserlike()
    {
        var client = app.Factory.CreateClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    private static FormUrlEncodedContent Confirmed() => new([new("confirm", "1")]);

    private static string Regex(string url) => System.Text.RegularExpressions.Regex.Escape(url);
}
