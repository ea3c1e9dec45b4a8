using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Audience.Features.History;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>audience-mis-events</c>, its own binding to <c>mis.events</c>):
/// the patients' history. Each event is applied once, keyed by its CloudEvent (source, id), one appointment at a time;
/// an invalid one goes to the error queue with the reason.
/// </summary>
public sealed partial class MisHistoryConsumer(
    AudienceDbContext db,
    HistoryProjection history,
    TimeProvider time,
    ILogger<MisHistoryConsumer> logger) : IConsumer<RawMisEvent>
{
    public const string QueueName = "audience-mis-events";

    public static readonly string[] RoutingKeys =
    [
        MisEventTypes.AppointmentBooked, MisEventTypes.AppointmentRescheduled, MisEventTypes.AppointmentCancelled,
        MisEventTypes.AppointmentCompleted, MisEventTypes.AppointmentNoShow, MisEventTypes.PatientUpdated,
    ];

    public async Task Consume(ConsumeContext<RawMisEvent> context)
    {
        var result = context.ReadMisEvent();
        if (result.Event is not { } misEvent)
        {
            throw new MessageRejectedException($"Invalid MIS event: {result.Describe()}");
        }

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
                await history.ApplyBookingAsync(booking, cancellationToken);
                break;
            case AppointmentClosedData closing:
                await history.ApplyClosingAsync(closing, StatusOf(misEvent.Type), cancellationToken);
                break;
            case PatientUpdatedData patient:
                await history.ApplyPatientUpdateAsync(patient, cancellationToken);
                break;
            default:
                throw new MessageRejectedException($"Audience does not handle '{misEvent.Type}'; check the queue's bindings.");
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogApplied(logger, misEvent.Type, misEvent.Id);
    }

    private static string StatusOf(string type) => type switch
    {
        MisEventTypes.AppointmentCancelled => VisitStatuses.Cancelled,
        MisEventTypes.AppointmentCompleted => VisitStatuses.Completed,
        MisEventTypes.AppointmentNoShow => VisitStatuses.NoShow,
        _ => throw new MessageRejectedException($"'{type}' does not close an appointment"),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied MIS event {Type} {EventId}")]
    private static partial void LogApplied(ILogger logger, string type, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped duplicate MIS event {EventId} ({Type})")]
    private static partial void LogDuplicate(ILogger logger, string eventId, string type);
}
