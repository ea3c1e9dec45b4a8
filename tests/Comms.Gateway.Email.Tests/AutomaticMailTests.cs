using Comms.Gateway.Email.Features.Replies;
using MimeKit;

namespace Comms.Gateway.Email.Tests;

/// <summary>Mail no person wrote never becomes an answer.</summary>
public sealed class AutomaticMailTests
{
    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "Re: Подтвердите запись")]
    [InlineData("Auto-Submitted", "auto-generated", "1")]
    [InlineData("X-Autoreply", "yes", "1")]
    [InlineData("Precedence", "auto_reply", "1")]
    [InlineData("Precedence", "bulk", "1")]
    [InlineData("List-Id", "<news.example.ru>", "2")]
    [InlineData("X-Mailer", "Outlook", "Автоматический ответ: Подтвердите запись")]
    [InlineData("X-Mailer", "Exchange", "Out of Office: Подтвердите запись")]
    [InlineData("X-Mailer", "Yandex", "Автоответ: я в отпуске до 20.12")]
    public void Automatic_replies_are_recognised(string header, string value, string subject)
    {
        var mail = Mail("anna@example.ru", subject);
        mail.Headers.Add(header, value);

        Assert.Equal(ReplyOutcomes.AutoReply, AutomaticMail.Classify(mail));
    }

    [Fact]
    public void Bounces_are_recognised_by_their_report_their_sender_or_an_empty_return_path()
    {
        var report = Mail("anna@example.ru", "Undelivered Mail Returned to Sender");
        report.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "The mail could not be delivered" } };
        var daemon = Mail("MAILER-DAEMON@mx.example.ru", "Delivery Status Notification (Failure)");
        var nullSender = Mail("anna@example.ru", "Недоставленное сообщение");
        nullSender.Headers.Add("Return-Path", "<>");

        Assert.All([report, daemon, nullSender], mail => Assert.Equal(ReplyOutcomes.Bounce, AutomaticMail.Classify(mail)));
    }

    [Fact]
    public void A_persons_reply_is_not_automatic_even_when_it_says_so_explicitly()
    {
        var mail = Mail("anna@example.ru", "Re: Подтвердите запись");
        mail.Headers.Add("Auto-Submitted", "no");

        Assert.Null(AutomaticMail.Classify(mail));
        Assert.Null(AutomaticMail.Classify(Mail("anna@example.ru", "Re: Подтвердите запись")));
    }

    private static MimeMessage Mail(string from, string subject)
    {
        var mail = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "1" } };
        mail.From.Add(MailboxAddress.Parse(from));
        return mail;
    }
}
