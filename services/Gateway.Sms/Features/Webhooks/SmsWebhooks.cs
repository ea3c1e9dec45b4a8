using Comms.Contracts.Mis;
using System.Security.Cryptography;
using System.Text;
using Comms.Contracts;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Delivery.Replies;
using Comms.Gateway.Sms.Features.Contacts;
using Comms.Gateway.Sms.Features.Routing;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Features.Webhooks;

/// <summary>
/// Every provider account's callback: <c>/webhooks/sms/{account}?token=…</c>, the URL given to the provider (in its
/// cabinet, or per message). The token is checked in constant time first, then the provider's own signature by its
/// reader: a spoofed callback gets 401 and changes nothing. Receipts move a message up the status ranks only, so a
/// late, repeated or out-of-order receipt cannot corrupt it, nor one applied at the same moment as another. Patients'
/// SMS: opt-out words first, always; otherwise a <c>PatientReplied</c> resolved against the latest message to that
/// number that asked for an answer.
/// </summary>
public static partial class SmsWebhooks
{
    /// <summary>How often a callback is applied again when a message it names changed under it, before the provider is asked to retry.</summary>
    private const int ConcurrentRounds = 5;

    public static IEndpointRouteBuilder MapSmsWebhooks(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/webhooks/sms/{account}", [HttpMethods.Post, HttpMethods.Get], Receive)
            .WithTags("Webhooks")
            .WithSummary("Delivery receipts and inbound SMS from a provider account")
            .DisableAntiforgery();
        return routes;
    }

    internal static async Task<IResult> Receive(
        string account,
        string? token,
        HttpRequest request,
        SmsAccounts accounts,
        IEnumerable<ISmsCallbackReader> readers,
        SmsDbContext db,
        DeliveryRecorder recorder,
        ReplyRouter replies,
        OptOuts optOuts,
        FlaggedContacts flags,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(SmsWebhooks));
        if (!accounts.Exists(account))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown SMS account",
                detail: $"No account '{account}' is configured under Sms:Accounts.");
        }

        var settings = accounts.Settings(account);
        if (!TokenMatches(token, settings.CallbackToken))
        {
            return Unauthorized($"The callback URL must carry ?token= as configured in Sms:Accounts:{account}:CallbackToken.");
        }

        var reader = readers.Single(r => r.ProviderType == settings.Provider);
        var read = await reader.ReadAsync(request, settings, cancellationToken);
        if (read is SmsCallbackRead.Unauthorized refused)
        {
            LogSpoofed(logger, account, refused.Reason);
            return Unauthorized(refused.Reason);
        }

        var entries = (SmsCallbackRead.Entries)read;
        if (entries.Items.Count == 0 && entries.Unreadable.Count > 0)
        {
            return Results.ValidationProblem(entries.Unreadable.ToDictionary(), title: "No callback entry could be read");
        }

        foreach (var field in entries.Unreadable.Keys)
        {
            LogUnreadable(logger, account, field);
        }

        // Two callbacks about one message may be applied at once (a provider sends "on its way" and "delivered" a moment
        // apart): the message row's concurrency token fails the later save, and its callback is applied again on what
        // the other left, so a message never moves back from a final status.
        var unknownReceipts = 0;
        for (var round = 1; ; round++)
        {
            try
            {
                unknownReceipts = 0;
                foreach (var item in entries.Items)
                {
                    switch (item)
                    {
                        case SmsCallbackItem.Receipt receipt:
                            if (!await ApplyReceiptAsync(db, recorder, optOuts, flags, account, receipt, cancellationToken))
                            {
                                unknownReceipts++;
                            }

                            break;
                        case SmsCallbackItem.Inbound inbound:
                            await RecordInboundAsync(db, replies, optOuts, inbound, time, cancellationToken);
                            LogInbound(logger, account, ContactNormalizer.Mask(inbound.From));
                            break;
                    }
                }

                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                LogConcurrent(logger, account, round);
                if (round == ConcurrentRounds)
                {
                    return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Callback met concurrent changes",
                        detail: $"The messages this callback names for account {account} kept changing while it was applied; retry later.");
                }
            }
        }

        if (unknownReceipts > 0)
        {
            // Most likely the receipt overtook our own commit of the provider's id: ask the provider to try again.
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Receipt for a message not known yet",
                detail: $"{unknownReceipts} receipt(s) name a message id this gateway has not recorded for account {account}; retry later.");
        }

        return reader.Acknowledge();
    }

    private static IResult Unauthorized(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Callback not authenticated", detail: detail);

    private static async Task<bool> ApplyReceiptAsync(
        SmsDbContext db, DeliveryRecorder recorder, OptOuts optOuts, FlaggedContacts flags, string account,
        SmsCallbackItem.Receipt receipt, CancellationToken cancellationToken)
    {
        var message = await db.Messages.SingleOrDefaultAsync(m => m.Provider == account && m.ProviderMessageId == receipt.ProviderMessageId, cancellationToken);
        if (message is null)
        {
            return false;
        }

        var failure = MessageStatuses.IsFailure(receipt.Status);
        if (recorder.Transition(message, receipt.Status, failure || receipt.Status != MessageStatuses.Delivered ? receipt.Reason : null))
        {
            if (receipt.StopListed)
            {
                await optOuts.RecordAsync(Channels.Sms, message.Contact, OptOutWords.RefusedPurposes, ConsentMethods.CarrierStopList, receipt.Reason ?? receipt.Code,
                    message.ClinicId, message.PatientId, message.MessageId, cancellationToken);
            }
            else if (receipt.BadNumber)
            {
                await flags.FlagAsync(message.Contact, account, receipt.Code, receipt.Reason ?? receipt.Code, message.MessageId, cancellationToken);
            }
        }

        return true;
    }

    /// <summary>
    /// Opt-out words first, always: "СТОП" revokes the channel here and now and goes to the ledger, and is not treated as
    /// an answer. A callback the provider repeats must not count twice: the reader's dedup key identifies one SMS.
    /// </summary>
    private static async Task RecordInboundAsync(
        SmsDbContext db, ReplyRouter replies, OptOuts optOuts, SmsCallbackItem.Inbound inbound, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = inbound.DedupKey.Length <= 200 ? inbound.DedupKey : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(inbound.DedupKey)));
        if (!await db.TryBeginAsync(key, "webhook-sms", time, cancellationToken))
        {
            return;
        }

        if (OptOutWords.IsOptOut(inbound.Text))
        {
            var last = await db.Messages.AsNoTracking().Where(m => m.Contact == inbound.From && m.Channel == Channels.Sms)
                .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(cancellationToken);
            await optOuts.RecordAsync(Channels.Sms, inbound.From, OptOutWords.RefusedPurposes, ConsentMethods.Reply, inbound.Text.Trim(),
                last?.ClinicId, last?.PatientId, last?.MessageId, cancellationToken);
            return;
        }

        await replies.RecordAsync(Channels.Sms, inbound.From, inbound.Text, inbound.ReceivedAt, cancellationToken);
    }

    private static bool TokenMatches(string? presented, string expected) =>
        !string.IsNullOrEmpty(presented) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback for {Account}: a message it names changed meanwhile (round {Round}); applying it again")]
    private static partial void LogConcurrent(ILogger logger, string account, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbound SMS via {Account} from {Phone}")]
    private static partial void LogInbound(ILogger logger, string account, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for {Account}: field {Field} could not be read and was skipped")]
    private static partial void LogUnreadable(ILogger logger, string account, string field);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for {Account} refused: {Reason}")]
    private static partial void LogSpoofed(ILogger logger, string account, string reason);
}
