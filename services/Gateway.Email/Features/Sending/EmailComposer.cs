using Comms.Contracts;
using Comms.Contracts.Templating;
using Comms.Gateway.Email.Features.Unsubscribe;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// Turns a rendered <see cref="SendEmail"/> into the MIME message: multipart/alternative (text, then HTML) when there
/// is HTML, the clinic's From and Reply-To, a Message-ID derived from our message id (a resend carries the same one),
/// and one-click unsubscribe on marketing mail (RFC 8058). The recipient is set by the adapter from the clearance.
/// </summary>
public sealed class EmailComposer(IOptions<EmailOptions> options, UnsubscribeLinks links)
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
        if (replyTo is not null)
        {
            message.ReplyTo.Add(replyTo);
        }

        var text = new TextPart("plain") { Text = command.Text };
        message.Body = string.IsNullOrEmpty(command.Html)
            ? text
            : new MultipartAlternative { text, new TextPart("html") { Text = command.Html } };

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
