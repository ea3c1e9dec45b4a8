using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Comms.ServiceDefaults.Mis;

/// <summary>
/// What every service's consumer of the MIS's events does around its own work: the event read and validated exactly as
/// it arrived (an invalid one rejected to the error queue with the reason), events about one subject applied one at a
/// time (a resent event, a booking and its reschedule, two replicas: the second sees what the first committed), each
/// applied once (the inbox keyed by the CloudEvent's source and id), all in one transaction with what
/// <see cref="ApplyAsync"/> changes.
/// </summary>
public abstract partial class MisEventConsumer(ServiceDbContext db, TimeProvider time, ILogger logger) : IConsumer<RawMisEvent>
{
    public async Task Consume(ConsumeContext<RawMisEvent> context)
    {
        var result = context.ReadMisEvent();
        if (result.Event is not { } misEvent)
        {
            throw new MessageRejectedException($"Invalid MIS event: {result.Describe()}");
        }

        var cancellationToken = context.CancellationToken;
        // One transaction for the whole event, retried whole when it fails: no savepoint per SaveChanges (two round
        // trips each) is needed to resume it halfway.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync(MisEventSubject.SubjectOf(misEvent), cancellationToken);
        if (!await db.TryBeginAsync(misEvent.Key, context, time))
        {
            LogDuplicate(logger, misEvent.Id, misEvent.Type);
            return;
        }

        await ApplyAsync(misEvent, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, misEvent.Type, misEvent.Id);
    }

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
