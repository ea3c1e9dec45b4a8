using Comms.Delivery.Replies;
using Comms.Gateway.Email.Persistence;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comms.Gateway.Email.Features.Replies;

/// <summary>
/// Reads patients' replies from the reply mailbox over IMAP, every <see cref="ImapOptions.PollInterval"/>, in every
/// replica. The mailbox's UIDs are the cursor: each pass takes the mails above the highest UID already recorded for
/// the folder (and its UIDVALIDITY), received within the answer window, one by one through
/// <see cref="ReplyMailHandler"/>, which commits each mail's row with what it published. A mail two replicas take at
/// once is committed by one of them; a gateway stopping after the commit finds the row next time. Once committed, a
/// mail acted on is marked \Seen and one left to people is \Flagged (and left unread): the flags are for people, the
/// reader does not depend on them, so someone reading the mailbox first takes nothing away from it.
/// </summary>
public sealed partial class ReplyMailboxReader(
    IServiceScopeFactory scopes,
    IOptions<ImapOptions> options,
    TimeProvider time,
    ILogger<ReplyMailboxReader> logger) : BackgroundService
{
    /// <summary>Larger mails (a reply with photos attached) are not downloaded: they are left to people.</summary>
    public const long MaxMailBytes = 10 * 1024 * 1024;

    /// <summary>At most this many mails a pass; the rest the next pass.</summary>
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogOff(logger);
            return;
        }

        using var timer = new PeriodicTimer(settings.PollInterval, time);
        try
        {
            do
            {
                try
                {
                    await ReadAsync(settings, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The server's or the database's trouble; the next pass tries again. MailKit's messages carry the
                    // server's words, never a mail's content.
                    LogPassFailed(logger, ex.GetType().Name, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReadAsync(ImapOptions settings, CancellationToken cancellationToken)
    {
        using var client = new ImapClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        var security = !settings.UseTls ? SecureSocketOptions.None : settings.Port == 993 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(settings.Host, settings.Port, security, cancellationToken);
        await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
        var folder = settings.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox
            : await client.GetFolderAsync(settings.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);

        var mailbox = settings.MailboxName;
        var validity = folder.UidValidity;
        long last;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EmailDbContext>();
            last = await db.InboundMails.Where(m => m.Mailbox == mailbox && m.UidValidity == validity).MaxAsync(m => (long?)m.Uid, cancellationToken) ?? 0;
        }

        // Older mail cannot answer anything any more (nor should a mailbox's history, on the first pass).
        var since = (time.GetUtcNow() - ReplyRouter.AnswerWindow).UtcDateTime.Date;
        var query = SearchQuery.Uids(new UniqueIdRange(new UniqueId(validity, (uint)last + 1), UniqueId.MaxValue)).And(SearchQuery.DeliveredAfter(since));
        var found = await folder.SearchAsync(query, cancellationToken);
        foreach (var uid in found.Where(u => u.Id > last).OrderBy(u => u.Id).Take(BatchSize))
        {
            var outcome = await TakeAsync(folder, new MailboxPlace(mailbox, validity, uid.Id), uid, cancellationToken);
            if (outcome is null)
            {
                continue;
            }

            try
            {
                await folder.AddFlagsAsync(uid, ReplyOutcomes.LeftForPeople(outcome) ? MessageFlags.Flagged : MessageFlags.Seen, true, cancellationToken);
            }
            catch (Exception ex) when (ex is ImapCommandException)
            {
                LogFlagsRefused(logger, uid.Id, ex.Message); // a read-only folder: the row is what counts
            }
        }

        await client.DisconnectAsync(true, cancellationToken);
    }

    /// <summary>The mail's outcome, or null when it vanished from the folder meanwhile.</summary>
    private async Task<string?> TakeAsync(IMailFolder folder, MailboxPlace place, UniqueId uid, CancellationToken cancellationToken)
    {
        var summary = (await folder.FetchAsync([uid], MessageSummaryItems.Size | MessageSummaryItems.InternalDate, cancellationToken)).FirstOrDefault();
        if (summary is null)
        {
            return null;
        }

        var receivedAt = summary.InternalDate ?? time.GetUtcNow();
        using var scope = scopes.CreateScope();
        var handler = scope.ServiceProvider.GetRequiredService<ReplyMailHandler>();
        if (summary.Size > MaxMailBytes)
        {
            return await handler.RecordUnreadAsync(place, ReplyOutcomes.TooLarge, receivedAt, cancellationToken);
        }

        MimeMessage mail;
        try
        {
            mail = await folder.GetMessageAsync(uid, cancellationToken);
        }
        catch (FormatException)
        {
            return await handler.RecordUnreadAsync(place, ReplyOutcomes.Unreadable, receivedAt, cancellationToken);
        }

        return await handler.HandleAsync(place, mail, receivedAt, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply mailbox not read: Email:Imap:Enabled is false")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reply mailbox: this pass failed ({Error}: {Detail}); trying again at the next")]
    private static partial void LogPassFailed(ILogger logger, string error, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reply mailbox: flags not set on mail UID {Uid} ({Detail})")]
    private static partial void LogFlagsRefused(ILogger logger, long uid, string detail);
}
