using System.Net.Http.Json;
using System.Text.Json;
using Comms.Gateway.Email.Features.Replies;
using Comms.Gateway.Email.Persistence;
using Comms.Testing;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Tests;

/// <summary>Patients' replies read from a real IMAP mailbox (dovecot), put there by APPEND as a delivery agent would.</summary>
public sealed class ReplyMailboxTests(ReplyGatewayApp app) : IClassFixture<ReplyGatewayApp>
{
    private static readonly TimeSpan Patience = EmailDriver.Patience;

    [Fact]
    public async Task A_2_by_reply_answers_the_very_confirmation_it_replies_to_and_the_mail_is_marked_read()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, first) = await ConfirmationAsync();
        var later = ReplyDriver.Confirmation(email);
        await new EmailDriver(app).SendAndWaitAsync(later, "sent");

        var uid = await AppendAsync(ReplyTo(first, email,
            "2\n\nпн, 7 дек. 2026 г. в 10:00, Клиника на Ленина <\nlenina@example-clinic.ru>:\n\n> Анна, вы записаны на приём\n> Ответьте 1 или 2\n"));

        var reply = await broker.WaitForMessageAsync(replies, r => r.GetProperty("contact").GetString() == email, Patience, "PatientReplied");
        Assert.Equal(("email", "2"), (reply.GetProperty("channel").GetString(), reply.GetProperty("text").GetString()));
        Assert.Equal(first.MessageId.ToString(), reply.GetProperty("inReplyToMessageId").GetString()); // the one replied to, not the latest
        Assert.Equal(("confirmation", "A-1"), (reply.GetProperty("expectedReply").GetString(), reply.GetProperty("appointmentId").GetString()));
        var row = await RowAsync(uid);
        Assert.Equal((ReplyOutcomes.Reply, first.MessageId), (row.Outcome, row.MessageId));
        await Eventually.TrueAsync(async () => (await app.Imap.FlagsAsync(EmailSettings.ReplyUser, uid)).HasFlag(MessageFlags.Seen), Patience, "the mail marked read");
        Assert.False((await app.Imap.FlagsAsync(EmailSettings.ReplyUser, uid)).HasFlag(MessageFlags.Flagged));
    }

    [Fact]
    public async Task A_stop_by_reply_opts_the_address_out_of_all_email_and_the_next_mail_is_blocked()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync(ReplyDriver.OptOutReceived, "", "fanout");
        var driver = new EmailDriver(app);
        var (email, question) = await ConfirmationAsync();
        await driver.ConsentAsync(email, "marketing");

        await AppendAsync(ReplyTo(question, email, "СТОП\n\nОтправлено с iPhone\n\n> Подтвердите запись"));

        var optOut = await broker.WaitForMessageAsync(optOuts, o => o.GetProperty("contact").GetString() == email, Patience, "OptOutReceived");
        Assert.Equal(("email", "reply", "СТОП"), (optOut.GetProperty("channel").GetString(), optOut.GetProperty("method").GetString(), optOut.GetProperty("evidence").GetString()));
        Assert.Equal(["service", "marketing"], optOut.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(question.MessageId.ToString(), optOut.GetProperty("inReplyToMessageId").GetString());
        using var client = app.CreateClient();
        var states = (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={email}"))!;
        Assert.Equal(2, states.Length);
        Assert.All(states, s => Assert.False(s.GetProperty("granted").GetBoolean()));

        var next = await driver.SendAndWaitAsync(EmailDriver.Command(email, "service"), "blocked");
        Assert.StartsWith("the patient opted out of email/service (reply", next.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Words_in_a_fresh_mail_reach_the_clinic_as_an_sms_reply_would_resolved_against_the_latest_question()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, question) = await ConfirmationAsync();
        var mail = Mail(email.ToUpperInvariant(), "Вопрос о записи", "Можно перенести на четверг?\n-- \nАнна Иванова\n+7 916 123-45-67");

        var uid = await AppendAsync(mail);

        var reply = await broker.WaitForMessageAsync(replies, r => r.GetProperty("contact").GetString() == email, Patience, "PatientReplied");
        Assert.Equal("Можно перенести на четверг?", reply.GetProperty("text").GetString());
        Assert.Equal(question.MessageId.ToString(), reply.GetProperty("inReplyToMessageId").GetString());
        Assert.Equal(ReplyOutcomes.Reply, (await RowAsync(uid)).Outcome);
    }

    [Fact]
    public async Task Auto_replies_bounces_strangers_and_forwards_are_never_answers_and_people_see_what_needs_them()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, question) = await ConfirmationAsync();
        var stranger = EmailDriver.NewAddress();
        var forwardedTo = EmailDriver.NewAddress();

        var outOfOffice = ReplyTo(question, email, "1");
        outOfOffice.Subject = "Автоматический ответ: Подтвердите запись";
        outOfOffice.Headers.Add("Auto-Submitted", "auto-replied");
        var bounce = Mail("MAILER-DAEMON@mx.example.ru", "Undelivered Mail Returned to Sender", "");
        bounce.Body = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "1" } };
        var auto = await AppendAsync(outOfOffice);
        var bounced = await AppendAsync(bounce);
        var strange = await AppendAsync(Mail(stranger, "1", "1"));
        var forwarded = await AppendAsync(ReplyTo(question, forwardedTo, "1"));
        var answer = await AppendAsync(ReplyTo(question, email, "1"));

        Assert.Equal(ReplyOutcomes.Reply, (await RowAsync(answer)).Outcome); // the last one appended: all before it are taken
        await ReplyDriver.OutboxRelayedAsync(app.Services);
        string[] senders = [email, stranger, forwardedTo, "mailer-daemon@mx.example.ru"];
        var reply = Assert.Single(await ReplyDriver.TakeAllAsync(broker, replies, r => senders.Contains(r.GetProperty("contact").GetString()))); // the answer alone
        Assert.Equal((email, "1"), (reply.GetProperty("contact").GetString(), reply.GetProperty("text").GetString()));
        Assert.Equal(ReplyOutcomes.AutoReply, (await RowAsync(auto)).Outcome);
        Assert.Equal(ReplyOutcomes.Bounce, (await RowAsync(bounced)).Outcome);
        Assert.Equal(ReplyOutcomes.UnknownSender, (await RowAsync(strange)).Outcome);
        Assert.Equal((ReplyOutcomes.SenderMismatch, question.MessageId), ((await RowAsync(forwarded)).Outcome, (await RowAsync(forwarded)).MessageId));

        // Left to people: flagged and still unread. The automatic reply needs nobody: read.
        await Eventually.TrueAsync(async () => (await app.Imap.FlagsAsync(EmailSettings.ReplyUser, answer)).HasFlag(MessageFlags.Seen), Patience, "flags set");
        foreach (var left in new[] { bounced, strange, forwarded })
        {
            var flags = await app.Imap.FlagsAsync(EmailSettings.ReplyUser, left);
            Assert.True(flags.HasFlag(MessageFlags.Flagged) && !flags.HasFlag(MessageFlags.Seen), $"UID {left}: {flags}");
        }

        Assert.Equal(MessageFlags.Seen, await app.Imap.FlagsAsync(EmailSettings.ReplyUser, auto) & (MessageFlags.Seen | MessageFlags.Flagged));
    }

    [Fact]
    public async Task A_mail_is_taken_once_whether_delivered_twice_or_met_again_after_a_restart()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var replies = await broker.BindQueueAsync(ReplyDriver.PatientReplied, "", "fanout");
        var (email, question) = await ConfirmationAsync();
        var mail = ReplyTo(question, email, "1");

        var first = await AppendAsync(mail);
        var again = await AppendAsync(mail);

        Assert.Equal(ReplyOutcomes.Reply, (await RowAsync(first)).Outcome);
        Assert.Equal(ReplyOutcomes.Duplicate, (await RowAsync(again)).Outcome);

        // A restarted gateway, or another replica, meeting the same place in the mailbox: what was decided stands.
        using (var scope = app.Services.CreateScope())
        {
            var mailbox = app.Services.GetRequiredService<IOptions<ImapOptions>>().Value.MailboxName;
            var row = await RowAsync(first);
            var outcome = await scope.ServiceProvider.GetRequiredService<ReplyMailHandler>()
                .HandleAsync(new MailboxPlace(mailbox, (uint)row.UidValidity, first.Id), mail, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Equal(ReplyOutcomes.Reply, outcome);
        }

        await ReplyDriver.OutboxRelayedAsync(app.Services);
        var all = await ReplyDriver.TakeAllAsync(broker, replies, r => r.GetProperty("contact").GetString() == email);
        Assert.Equal(question.MessageId.ToString(), Assert.Single(all).GetProperty("inReplyToMessageId").GetString());
    }

    [Fact]
    public async Task The_list_unsubscribe_mailto_that_reaches_the_mailbox_unsubscribes_as_the_link_would()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var optOuts = await broker.BindQueueAsync(ReplyDriver.OptOutReceived, "", "fanout");
        var driver = new EmailDriver(app);
        var email = EmailDriver.NewAddress();
        await driver.ConsentAsync(email, "marketing");
        var promo = EmailDriver.Command(email, "marketing");
        await driver.SendAndWaitAsync(promo, "sent");
        var listUnsubscribe = (await ReplyDriver.MailAsync(app.MailDev, email, promo.MessageId)).GetProperty("headers").GetProperty("list-unsubscribe").GetString()!;
        var subject = Uri.UnescapeDataString(listUnsubscribe.Split("subject=")[1].TrimEnd('>'));

        await AppendAsync(Mail(email, subject, ""));

        var optOut = await broker.WaitForMessageAsync(optOuts, o => o.GetProperty("contact").GetString() == email, Patience, "OptOutReceived");
        Assert.Equal(("email_link", "List-Unsubscribe mailto"), (optOut.GetProperty("method").GetString(), optOut.GetProperty("evidence").GetString()));
        Assert.Equal(["marketing"], optOut.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal(promo.MessageId.ToString(), optOut.GetProperty("inReplyToMessageId").GetString());
    }

    private async Task<(string Email, Comms.Contracts.Templating.SendEmail Question)> ConfirmationAsync()
    {
        var driver = new EmailDriver(app);
        var email = EmailDriver.NewAddress();
        await driver.ConsentAsync(email, "service");
        var question = ReplyDriver.Confirmation(email);
        await driver.SendAndWaitAsync(question, "sent");
        return (email, question);
    }

    private Task<UniqueId> AppendAsync(MimeMessage mail) => app.Imap.AppendAsync(EmailSettings.ReplyUser, mail);

    private async Task<InboundMail> RowAsync(UniqueId uid) =>
        await Eventually.GetAsync(() => ReplyDriver.QueryAsync(app.Services, db => db.InboundMails.AsNoTracking().FirstOrDefaultAsync(m => m.Uid == uid.Id)),
            Patience, () => $"mail UID {uid} taken by the reader\n{app.Imap.LogTail()}");

    /// <summary>A patient's reply to one of our mails, threaded as mail clients do.</summary>
    private static MimeMessage ReplyTo(Comms.Contracts.Templating.SendEmail ours, string from, string text)
    {
        var mail = Mail(from, "Re: " + ours.Subject, text);
        var id = $"{ours.MessageId}@{EmailSettings.MessageIdDomain}";
        mail.InReplyTo = id;
        mail.References.Add(id);
        return mail;
    }

    private static MimeMessage Mail(string from, string subject, string text)
    {
        var mail = new MimeMessage { Subject = subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("patient-mail.example.ru"), Date = DateTimeOffset.UtcNow };
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.Add(MailboxAddress.Parse(EmailSettings.ReplyAddress));
        mail.Body = new TextPart("plain") { Text = text };
        return mail;
    }
}
