using Comms.Contracts;
using Comms.Contracts.Templating;
using Comms.Gateway.Email.Features.Answers;
using Comms.Gateway.Email.Features.Replies;
using Comms.Gateway.Email.Features.Unsubscribe;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// Turns a rendered <see cref="SendEmail"/> into the MIME message: multipart/alternative (text, then HTML) when there
/// is HTML, the clinic's From and Reply-To, a Message-ID derived from our message id (a resend carries the same one),
/// and one-click unsubscribe on marketing mail (RFC 8058). A mail that asks for an answer gets the reply mailbox as
/// its Reply-To (when one is read, <see cref="ImapOptions.Address"/>), so that a "1" or "2" by reply reaches the reader
/// whatever the clinic's own Reply-To; a confirmation request gets the «Подтвердить» / «Отменить» buttons after the
/// template's text. The recipient is set by the adapter from the clearance.
/// </summary>
public sealed class EmailComposer(IOptions<EmailOptions> options, IOptions<ImapOptions> imap, UnsubscribeLinks links, AnswerLinks answers)
{
    public MimeMessage Compose(SendEmail command, string email, TimeProvider time)
    {
        var settings = options.Value;
        var (from, replyTo) = settings.SenderFor(command.ClinicId);
        var message = new MimeMessage
        {
            Subject = command.Subject,
            MessageId = MessageIdFor(command.MessageId),
            Date = time.GetUtcNow(),
        };
        message.From.Add(from);
        if (command.ExpectedReply is not null && imap.Value is { Enabled: true, Address.Length: > 0 } reader)
        {
            replyTo = new MailboxAddress(from.Name, reader.Address);
        }

        if (replyTo is not null)
        {
            message.ReplyTo.Add(replyTo);
        }

        var (body, html) = (command.Text, command.Html);
        if (command.ExpectedReply == AnswerLinks.ConfirmationReply)
        {
            var (confirm, cancel) = answers.ConfirmationUrls(command.MessageId);
            body = ConfirmationButtons.AddToText(body, confirm, cancel);
            html = string.IsNullOrEmpty(html) ? html : ConfirmationButtons.AddToHtml(html, confirm, cancel);
        }

        var text = new TextPart("plain") { Text = body };
        message.Body = string.IsNullOrEmpty(html)
            ? text
            : new MultipartAlternative { text, new TextPart("html") { Text = html } };

        if (command.Purpose == Purposes.Marketing)
        {
            var request = new UnsubscribeRequest(email, Purposes.Marketing, command.MessageId, command.ClinicId, command.PatientId);
            foreach (var (name, value) in links.HeadersFor(request))
            {
                message.Headers.Add(name, value);
            }
        }

        return message;
    }

    /// <summary>The Message-ID without its angle brackets, as MimeKit keeps it.</summary>
    public string MessageIdFor(Guid messageId) => $"{messageId:D}@{options.Value.EffectiveMessageIdDomain}";
}
