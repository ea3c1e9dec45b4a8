using Comms.Audience.Persistence;
using Comms.Contracts.Delivery;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.Waitlist;

/// <summary>
/// A patient's answer to a slot offer. The slot's row is locked (<c>FOR UPDATE</c>) while the answer is weighed, so of
/// two «1» at the same instant exactly one wins — the one whose lock came first — and the other is told the time is
/// taken. A «1» after the offer expired, or for a slot no longer open, is told the same. «2» declines: when the whole
/// group has answered, the next group is offered the slot at once. Anything else goes to the clinic as
/// <c>patient.message_received</c> (Scheduling leaves answers to offers to Audience).
/// </summary>
public sealed partial class WaitlistReplyConsumer(
    AudienceDbContext db,
    WaitlistOffers offers,
    CommsCloudEvents commsEvents,
    TimeProvider time,
    ILogger<WaitlistReplyConsumer> logger) : IConsumer<PatientReplied>
{
    public async Task Consume(ConsumeContext<PatientReplied> context)
    {
        var reply = context.Message;
        var cancellationToken = context.CancellationToken;
        if (reply.ExpectedReply != WaitlistOffers.ExpectedReply)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var offer = reply.InReplyToMessageId is { } messageId ? await db.WaitlistOffers.FindAsync([messageId], cancellationToken) : null;
        var answer = WaitlistReply.Read(reply.Text);
        if (offer is null || answer == WaitlistAnswer.Unrecognised)
        {
            commsEvents.PublishPatientMessage(db, reply);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogForwarded(logger, reply.ReplyId);
            return;
        }

        var slot = await db.WaitlistSlots.FromSql($"""SELECT * FROM waitlist_slots WHERE "Id" = {offer.SlotId} FOR UPDATE""").SingleAsync(cancellationToken);
        // Read again under the slot's lock: what a concurrent answer changed is seen.
        await db.Entry(offer).ReloadAsync(cancellationToken);
        if (offer.State is WaitlistOfferStates.Won or WaitlistOfferStates.Taken or WaitlistOfferStates.Declined)
        {
            LogAlreadyAnswered(logger, offer.MessageId, offer.State);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var entry = await db.WaitlistEntries.FindAsync([offer.ClinicId, offer.EntryId], cancellationToken);
        if (answer == WaitlistAnswer.Decline)
        {
            offer.State = WaitlistOfferStates.Declined;
            offer.AnsweredAt = time.GetUtcNow();
            if (slot.Status == WaitlistSlotStatuses.Open
                && !await db.WaitlistOffers.AnyAsync(o => o.SlotId == slot.Id && o.MessageId != offer.MessageId && o.State == WaitlistOfferStates.Offered && o.ExpiresAt > time.GetUtcNow(), cancellationToken))
            {
                // The whole group has answered: the next one need not wait for the offers to expire.
                await db.SaveChangesAsync(cancellationToken);
                await offers.AdvanceAsync(slot, cancellationToken);
            }
        }
        else if (slot.Status == WaitlistSlotStatuses.Open && offer.State == WaitlistOfferStates.Offered && reply.ReceivedAt <= offer.ExpiresAt
                 && entry is { Status: WaitlistEntryStatuses.Waiting })
        {
            await offers.ClaimAsync(slot, offer, entry, reply.Channel, cancellationToken);
        }
        else
        {
            await offers.TellTakenAsync(slot, offer, cancellationToken);
            LogTooLate(logger, offer.MessageId, slot.Status);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reply {ReplyId} to a slot offer is not an answer; forwarded to the clinic")]
    private static partial void LogForwarded(ILogger logger, Guid replyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer {MessageId} was answered before ({State}); this answer changes nothing")]
    private static partial void LogAlreadyAnswered(ILogger logger, Guid messageId, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer {MessageId}: «1» came when the slot was {Status} or the offer had ended; told it is taken")]
    private static partial void LogTooLate(ILogger logger, Guid messageId, string status);
}
