using Comms.Contracts.Mis;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.Gateway.Email.Features.Sending;
using Comms.Gateway.Email.Features.Unsubscribe;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Comms.Gateway.Email.Features.Replies;

/// <summary>Where a mail sits in the mailbox: what makes it one mail for the reader.</summary>
public sealed record MailboxPlace(string Mailbox, uint UidValidity, uint Uid);

/// <summary>
/// Decides what one mail from the reply mailbox is, and commits that in one transaction with the mail's row (so it is
/// taken once, across restarts and replicas):
/// <list type="number">
/// <item>a mail taken before (same Message-ID), a bounce or an automatic reply, or one from our own addresses: nothing;</item>
/// <item>the List-Unsubscribe mailto with a valid token in its subject: the unsubscribe, as the link would do;</item>
/// <item>a mail must come from the address the answered mail went to (In-Reply-To / References name our Message-ID),
/// or, when it names none of ours, from an address this gateway has written to; otherwise it is left to people;</item>
/// <item>"СТОП" and the other opt-out words first, always: every email to that address stops (method reply);</item>
/// <item>anything else is the patient's reply: to the very message it answers when the mail says which, else resolved
/// like an SMS reply against the latest question to that address (<see cref="ReplyRouter"/>). Scheduling reads "1" and
/// "2" as the answer to a confirmation request, Feedback takes ratings, and words go to the clinic.</item>
/// </list>
/// </summary>
public sealed partial class ReplyMailHandler(
    EmailDbContext db,
    ReplyRouter replies,
    OptOuts optOuts,
    UnsubscribeLinks unsubscribeLinks,
    IOptions<EmailOptions> emailOptions,
    IOptions<ImapOptions> imapOptions,
    IOptions<UnsubscribeOptions> unsubscribeOptions,
    TimeProvider time,
    ILogger<ReplyMailHandler> logger)
{
    /// <summary>The outcome of the mail at this place: decided now, or as it was decided before (by this or another replica).</summary>
    public async Task<string> HandleAsync(MailboxPlace place, MimeMessage mail, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (await TakenAsync(place, cancellationToken) is { } taken)
        {
            return taken;
        }

        var row = NewRow(place, MailKeyOf(mail), receivedAt);
        row.Outcome = await DecideAsync(mail, row, cancellationToken);
        return await CommitAsync(row, cancellationToken);
    }

    /// <summary>A mail the reader did not read (too large, not parseable): recorded, and left to people.</summary>
    public async Task<string> RecordUnreadAsync(MailboxPlace place, string outcome, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        if (await TakenAsync(place, cancellationToken) is { } taken)
        {
            return taken;
        }

        var row = NewRow(place, $"uid:{place.UidValidity}:{place.Uid}", receivedAt);
        row.Outcome = outcome;
        return await CommitAsync(row, cancellationToken);
    }

    private async Task<string?> TakenAsync(MailboxPlace place, CancellationToken cancellationToken) =>
        await db.InboundMails.AsNoTracking()
            .Where(m => m.Mailbox == place.Mailbox && m.UidValidity == place.UidValidity && m.Uid == place.Uid)
            .Select(m => m.Outcome).FirstOrDefaultAsync(cancellationToken);

    private InboundMail NewRow(MailboxPlace place, string mailKey, DateTimeOffset receivedAt)
    {
        var now = time.GetUtcNow();
        var row = new InboundMail
        {
            Mailbox = place.Mailbox,
            UidValidity = place.UidValidity,
            Uid = place.Uid,
            MailKey = mailKey,
            Outcome = "",
            ReceivedAt = receivedAt > now ? now : receivedAt.ToUniversalTime(),
            ProcessedAt = now,
        };
        db.InboundMails.Add(row);
        return row;
    }

    private async Task<string> CommitAsync(InboundMail row, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another replica took this mail at the same moment; what it decided stands.
            db.ChangeTracker.Clear();
            LogTakenElsewhere(logger, row.Uid);
            return await TakenAsync(new MailboxPlace(row.Mailbox, (uint)row.UidValidity, (uint)row.Uid), cancellationToken) ?? ReplyOutcomes.Duplicate;
        }

        LogTaken(logger, row.Uid, row.Outcome, row.MessageId);
        return row.Outcome;
    }

    private async Task<string> DecideAsync(MimeMessage mail, InboundMail row, CancellationToken cancellationToken)
    {
        if (await db.InboundMails.AnyAsync(m => m.MailKey == row.MailKey, cancellationToken))
        {
            return ReplyOutcomes.Duplicate;
        }

        if (AutomaticMail.Classify(mail) is { } automatic)
        {
            return automatic;
        }

        if (mail.From.Mailboxes.ToList() is not [var from] || !ContactNormalizer.TryNormalizeEmail(from.Address, out var sender))
        {
            return ReplyOutcomes.NoSender;
        }

        if (OwnAddresses().Contains(sender))
        {
            return ReplyOutcomes.Own;
        }

        if (UnsubscribeSubject().Match(mail.Subject ?? "") is { Success: true } match && unsubscribeLinks.TryRead(match.Groups[1].Value, out var request))
        {
            await UnsubscribeApi.RecordAsync(optOuts, request, "List-Unsubscribe mailto", cancellationToken);
            row.MessageId = request.MessageId;
            return ReplyOutcomes.Unsubscribe;
        }

        var answered = await AnsweredMessageAsync(mail, cancellationToken);
        if (answered is not null && answered.Contact != sender)
        {
            row.MessageId = answered.MessageId;
            return ReplyOutcomes.SenderMismatch;
        }

        if (answered is null && !await db.Messages.AnyAsync(m => m.Channel == Channels.Email && m.Contact == sender, cancellationToken))
        {
            return ReplyOutcomes.UnknownSender;
        }

        var text = ReplyText.Of(mail);
        if (text.Length == 0)
        {
            row.MessageId = answered?.MessageId;
            return ReplyOutcomes.Empty;
        }

        if (OptOutWords.IsOptOut(text))
        {
            var last = answered ?? await db.Messages.AsNoTracking().Where(m => m.Contact == sender && m.Channel == Channels.Email)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            await optOuts.RecordAsync(Channels.Email, sender, OptOutWords.RefusedPurposes, ConsentMethods.Reply, text,
                last?.ClinicId, last?.PatientId, last?.MessageId, cancellationToken);
            row.MessageId = last?.MessageId;
            return ReplyOutcomes.OptOut;
        }

        if (answered is not null)
        {
            // The mail says which message it answers: that one, whatever came later.
            db.Publish(new PatientReplied(Guid.CreateVersion7(), Channels.Email, sender, text, answered.MessageId, answered.ExpectedReply,
                answered.ClinicId, answered.PatientId, answered.AppointmentId, row.ReceivedAt), time);
            row.MessageId = answered.MessageId;
        }
        else
        {
            row.MessageId = (await replies.RecordAsync(Channels.Email, sender, text, row.ReceivedAt, cancellationToken)).InReplyToMessageId;
        }

        return ReplyOutcomes.Reply;
    }

    /// <summary>Our mail the reply names: In-Reply-To first, then References from the newest.</summary>
    private async Task<OutgoingMessage?> AnsweredMessageAsync(MimeMessage mail, CancellationToken cancellationToken)
    {
        var domain = emailOptions.Value.EffectiveMessageIdDomain;
        foreach (var id in new[] { mail.InReplyTo }.Concat(mail.References.Reverse()))
        {
            var at = id?.LastIndexOf('@') ?? -1;
            if (at > 0 && id![(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase) && Guid.TryParse(id[..at], out var messageId) &&
                await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId && m.Channel == Channels.Email, cancellationToken) is { } message)
            {
                return message;
            }
        }

        return null;
    }

    private HashSet<string> OwnAddresses()
    {
        var email = emailOptions.Value;
        IEnumerable<string?> all =
        [
            email.Default.From, email.Default.ReplyTo, imapOptions.Value.Address, unsubscribeOptions.Value.Mailbox,
            .. email.Clinics.Values.SelectMany(c => new[] { c.From, c.ReplyTo }),
        ];
        return [.. all.Select(a => MailboxAddress.TryParse(a ?? "", out var address) ? address.Address.Trim().ToLowerInvariant() : null).OfType<string>()];
    }

    /// <summary>The mail's Message-ID, or a hash of the whole mail when it has none.</summary>
    private static string MailKeyOf(MimeMessage mail)
    {
        if (!string.IsNullOrWhiteSpace(mail.MessageId))
        {
            var id = "mid:" + mail.MessageId.Trim();
            return id.Length <= 200 ? id : "mid-sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        }

        using var bytes = new MemoryStream();
        mail.WriteTo(bytes);
        return "sha256:" + Convert.ToHexString(SHA256.HashData(bytes.ToArray()));
    }

    /// <summary>The subject of List-Unsubscribe's mailto (<c>unsubscribe {token}</c>), as UnsubscribeLinks writes it.</summary>
    [GeneratedRegex(@"^\s*unsubscribe\s+(\S+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnsubscribeSubject();

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply mailbox: mail UID {Uid} taken as {Outcome} (message {MessageId})")]
    private static partial void LogTaken(ILogger logger, long uid, string outcome, Guid? messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply mailbox: mail UID {Uid} was taken by another replica at the same time")]
    private static partial void LogTakenElsewhere(ILogger logger, long uid);
}
