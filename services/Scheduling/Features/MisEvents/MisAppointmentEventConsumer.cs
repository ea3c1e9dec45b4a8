using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>scheduling-mis-events</c>). Each event is applied once,
/// keyed by its CloudEvent (source, id); an invalid one is rejected to the error queue with the reason.
/// </summary>
public sealed partial class MisAppointmentEventConsumer(
    SchedulingDbContext db,
    AppointmentPlanner planner,
    TimeProvider time,
    ILogger<MisAppointmentEventConsumer> logger) : IConsumer<RawMisEvent>
{
    public async Task Consume(ConsumeContext<RawMisEvent> context)
    {
        var result = context.ReadMisEvent();
        if (result.Event is not { } misEvent)
        {
            throw new MessageRejectedException($"Invalid MIS event: {result.Describe()}");
        }

        // Events about one appointment are applied one at a time, also when two arrive at once (a resent event, a
        // booking and its reschedule, two replicas): the second sees what the first committed. A repeat is then
        // skipped and a first sight becomes an update, instead of a second INSERT failing on the primary key.
        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync(MisEventSubject.SubjectOf(misEvent), cancellationToken);
        if (!await db.TryBeginAsync(misEvent.Key, context, time))
        {
            LogDuplicate(logger, misEvent.Id, misEvent.Type);
            return;
        }

        switch (misEvent.Data)
        {
            case AppointmentData booking:
                await planner.ApplyBookingAsync(booking, cancellationToken);
                break;
            case AppointmentClosedData closing:
                await planner.ApplyClosingAsync(closing, StatusOf(misEvent.Type), cancellationToken);
                break;
            case PatientUpdatedData patient:
                await planner.ApplyPatientUpdateAsync(patient, cancellationToken);
                break;
            default:
                throw new MessageRejectedException($"Scheduling does not handle '{misEvent.Type}'; check the queue's bindings.");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, misEvent.Type, misEvent.Id);
    }

    private static string StatusOf(string type) => type switch
    {
        MisEventTypes.AppointmentCancelled => AppointmentStatuses.Cancelled,
        MisEventTypes.AppointmentCompleted => AppointmentStatuses.Completed,
        MisEventTypes.AppointmentNoShow => AppointmentStatuses.NoShow,
        _ => throw new MessageRejectedException($"'{type}' does not close an appointment"),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied MIS event {Type} {EventId}")]
    private static partial void LogApplied(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped duplicate MIS event {EventId} ({Type})")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string type);
}
