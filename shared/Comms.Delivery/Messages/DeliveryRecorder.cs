using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;

namespace Comms.Delivery.Messages;

/// <summary>
/// Moves a message to a new status: the row, its history entry and the <see cref="MessageStatusChanged"/> event go
/// into the same SaveChanges. A message only moves up the ranks (queued → accepted → sent → a final status) and never
/// leaves a final one, so late, repeated or out-of-order receipts change nothing. The MIS hears of every change as a <c>message.status_changed</c> CloudEvent.
/// <para>
/// <c>queued</c> is told only when the message waits: it is recorded at once (row and history), but its event is held
/// over the commit made right before a provider call (<see cref="CallFollows"/>) and dropped when the call's outcome
/// (accepted, sent, refused …) supersedes it in the next commit. Any other commit that leaves the message queued — a
/// pause between tries, an outcome to be looked up — tells it. A message a provider takes at once therefore costs one
/// status event fewer on the bus and for every consumer of it (docs/performance.md); its history still shows
/// <c>queued</c>.
/// </para>
/// </summary>
public sealed class DeliveryRecorder
{
    private readonly GatewayDbContext _db;
    private readonly MessageStatusPublisher _statuses;
    private readonly TimeProvider _time;

    /// <summary>Queued changes not told yet, by message.</summary>
    private readonly Dictionary<Guid, MessageStatusChanged> _held = [];

    private bool _callFollows;

    public DeliveryRecorder(GatewayDbContext db, MessageStatusPublisher statuses, TimeProvider time)
    {
        _db = db;
        _statuses = statuses;
        _time = time;
        db.SavingChanges += (_, _) => TellHeld();
    }

    /// <summary>
    /// The next commit is the one right before a provider call: a message queued in it is not told yet, since the
    /// call's outcome will follow at once. Call just before that SaveChanges.
    /// </summary>
    public void CallFollows() => _callFollows = true;

    private void TellHeld()
    {
        if (_callFollows)
        {
            _callFollows = false;
            return;
        }

        foreach (var change in _held.Values)
        {
            _statuses.Publish(_db, change);
        }

        _held.Clear();
    }

    /// <summary>
    /// Forgets what a failed unit of work held: a batch's work that threw and is run again, one message at a time,
    /// starts from nothing (its changes were dropped with the change tracker).
    /// </summary>
    public void Reset()
    {
        _held.Clear();
        _callFollows = false;
    }

    public bool Transition(OutgoingMessage message, string status, string? reason = null, string? cause = null)
    {
        if (MessageStatuses.Rank(status) <= MessageStatuses.Rank(message.Status))
        {
            return false;
        }

        var now = _time.GetUtcNow();
        message.Status = status;
        message.Reason = reason;
        message.Cause = cause;
        message.UpdatedAt = now;
        message.History.Add(new MessageStatusEntry { MessageId = message.MessageId, Status = status, Reason = reason, OccurredAt = now });

        var change = new MessageStatusChanged(
            message.MessageId, message.ClinicId, message.PatientId, message.AppointmentId, message.Channel, status, reason, message.Provider, now, message.Contact, cause,
            message.Cost, message.Cost is null ? null : message.Currency);
        _held.Remove(message.MessageId);
        if (status == MessageStatuses.Queued)
        {
            _held[message.MessageId] = change;
        }
        else
        {
            _statuses.Publish(_db, change);
        }

        return true;
    }

    /// <summary>
    /// Ends the message <c>expired</c> (cause <c>deadline</c>) when its <see cref="OutgoingMessage.NotAfter"/> has passed.
    /// A gateway asks this before every provider call: past the deadline no provider may be handed the message, so
    /// Scheduling can try the next channel knowing this one will never arrive.
    /// </summary>
    public bool ExpireIfPastDeadline(OutgoingMessage message)
    {
        if (message.NotAfter is not { } notAfter || _time.GetUtcNow() < notAfter)
        {
            return false;
        }

        return Transition(message, MessageStatuses.Expired,
            $"not handed to a provider before its deadline {notAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z; the next channel may be tried",
            StatusCauses.Deadline);
    }
}
