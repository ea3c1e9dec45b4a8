using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Messaging;

namespace Comms.Delivery.Messages;

/// <summary>
/// Moves a message to a new status: the row, its history entry and the <see cref="MessageStatusChanged"/> event go
/// into the same SaveChanges. A message only moves up the ranks (queued → accepted → sent → a final status) and never
/// leaves a final one, so late, repeated or out-of-order receipts change nothing. The MIS hears of every change as a <c>message.status_changed</c> CloudEvent.
/// </summary>
public sealed class DeliveryRecorder(GatewayDbContext db, MessageStatusPublisher statuses, TimeProvider time)
{
    public bool Transition(OutgoingMessage message, string status, string? reason = null, string? cause = null)
    {
        if (MessageStatuses.Rank(status) <= MessageStatuses.Rank(message.Status))
        {
            return false;
        }

        var now = time.GetUtcNow();
        message.Status = status;
        message.Reason = reason;
        message.Cause = cause;
        message.UpdatedAt = now;
        message.History.Add(new MessageStatusEntry { MessageId = message.MessageId, Status = status, Reason = reason, OccurredAt = now });

        statuses.Publish(db, new MessageStatusChanged(
            message.MessageId, message.ClinicId, message.PatientId, message.AppointmentId, message.Channel, status, reason, message.Provider, now, message.Contact, cause,
            message.Cost, message.Cost is null ? null : message.Currency));
        return true;
    }

    /// <summary>
    /// Ends the message <c>expired</c> (cause <c>deadline</c>) when its <see cref="OutgoingMessage.NotAfter"/> has passed.
    /// A gateway asks this before every provider call: past the deadline no provider may be handed the message, so
    /// Scheduling can try the next channel knowing this one will never arrive.
    /// </summary>
    public bool ExpireIfPastDeadline(OutgoingMessage message)
    {
        if (message.NotAfter is not { } notAfter || time.GetUtcNow() < notAfter)
        {
            return false;
        }

        return Transition(message, MessageStatuses.Expired,
            $"not handed to a provider before its deadline {notAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z; the next channel may be tried",
            StatusCauses.Deadline);
    }
}
