using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Comms.Mis;

/// <summary>
/// What every service's consumer of the MIS's events does around its own work: each event read and validated exactly
/// as it arrived (an invalid one rejected to the error queue with the reason, the body as the MIS sent it), events
/// about one subject applied one at a time (a resent event, a booking and its reschedule, two replicas: the second sees
/// what the first committed), each applied once (the inbox keyed by the CloudEvent's source and id).
/// <para>
/// Events come in batches (up to <see cref="BatchSize"/>, gathered for at most <see cref="BatchTimeLimit"/>), one batch
/// at a time, each in the order the broker delivered it (MassTransit sorts a batch by delivery tag; two messages
/// arriving at the same instant at a batch's edge may still fall in the batches the other way round, so the version,
/// not the order, decides between an appointment's events). One transaction each: the subjects of the whole batch
/// locked at once, its repeats found with one query, the events applied in the batch's order, one commit. An event sees what the batch's earlier events changed: their changes
/// are saved (not committed) before it is applied, unless the service knows it cannot depend on them
/// (<see cref="NeedsEarlierSaved"/>). An event that fails does not fail the others (<see cref="BatchIsolation"/>): it
/// goes to the error queue alone, with its reason.
/// </para>
/// </summary>
public abstract partial class MisEventConsumer(ServiceDbContext db, TimeProvider time, BatchIsolation isolation, ILogger logger)
    : IConsumer<Batch<RawMisEvent>>
{
    public const int BatchSize = 100;

    public static readonly TimeSpan BatchTimeLimit = TimeSpan.FromMilliseconds(20);

    public Task Consume(ConsumeContext<Batch<RawMisEvent>> context) =>
        isolation.RunAsync(context, db, messages => ApplyBatchAsync(messages, context.CancellationToken));

    private async Task ApplyBatchAsync(IReadOnlyList<ConsumeContext<RawMisEvent>> messages, CancellationToken cancellationToken)
    {
        var events = new List<MisEvent>(messages.Count);
        foreach (var message in messages)
        {
            var result = message.ReadMisEvent();
            events.Add(result.Event ?? throw new MessageRejectedException($"Invalid MIS event: {result.Describe()}"));
        }

        // One transaction for the whole batch, retried whole when it fails: no savepoint per SaveChanges (two round
        // trips each) is needed to resume it halfway.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectsAsync(events.Select(MisEventSubject.SubjectOf), cancellationToken);
        var fresh = await db.TryBeginKeysAsync(events.Select(e => e.Key), Inbox.ReceiverOf(messages[0]), time, cancellationToken);
        var taken = new List<MisEvent>(events.Count);
        foreach (var misEvent in events)
        {
            if (fresh.Remove(misEvent.Key))
            {
                taken.Add(misEvent);
            }
            else
            {
                LogDuplicate(logger, misEvent.Id, misEvent.Type);
            }
        }

        await PrepareAsync(taken, cancellationToken);
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var misEvent in taken)
        {
            if (subjects.Count > 0 && NeedsEarlierSaved(misEvent, subjects) && db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            await ApplyAsync(misEvent, cancellationToken);
            subjects.Add(MisEventSubject.SubjectOf(misEvent));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var misEvent in taken)
        {
            LogApplied(logger, misEvent.Type, misEvent.Id);
        }
    }

    /// <summary>Before a batch's new events are applied (repeats left out), in its transaction with their subjects locked: load what they need at once.</summary>
    protected virtual Task PrepareAsync(IReadOnlyList<MisEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Whether <paramref name="misEvent"/> must see the changes of the batch's earlier events (about
    /// <paramref name="earlierSubjects"/>) through the database: true, unless the service's <see cref="ApplyAsync"/> for it
    /// reads nothing they can have changed except rows this unit of work tracks already.
    /// </summary>
    protected virtual bool NeedsEarlierSaved(MisEvent misEvent, IReadOnlySet<string> earlierSubjects) => true;

    /// <summary>The service's own change for the event; throw <see cref="MessageRejectedException"/> for a type it does not take.</summary>
    protected abstract Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken);

    /// <summary>The closing events' types as the status words every service keeps (<c>cancelled</c>, <c>completed</c>, <c>no_show</c>).</summary>
    protected static string ClosedStatusOf(string type) => type switch
    {
        MisEventTypes.AppointmentCancelled => "cancelled",
        MisEventTypes.AppointmentCompleted => "completed",
        MisEventTypes.AppointmentNoShow => "no_show",
        _ => throw new MessageRejectedException($"'{type}' does not close an appointment"),
    };

    protected static MessageRejectedException NotHandled(string service, string type) =>
        new($"{service} does not handle '{type}'; check the queue's bindings.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied MIS event {Type} {EventId}")]
    private static partial void LogApplied(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped duplicate MIS event {EventId} ({Type})")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string type);
}
