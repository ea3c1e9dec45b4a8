using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Mis;

namespace Comms.Audience.Features.History;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>audience-mis-events</c>, its own binding to <c>mis.events</c>):
/// the patients' history. Applied once each, one appointment at a time (<see cref="MisEventConsumer"/>).
/// </summary>
public sealed class MisHistoryConsumer(
    AudienceDbContext db,
    HistoryProjection history,
    TimeProvider time,
    ILogger<MisHistoryConsumer> logger) : MisEventConsumer(db, time, logger)
{
    public const string QueueName = "audience-mis-events";

    public static readonly string[] RoutingKeys =
    [
        MisEventTypes.AppointmentBooked, MisEventTypes.AppointmentRescheduled, MisEventTypes.AppointmentCancelled,
        MisEventTypes.AppointmentCompleted, MisEventTypes.AppointmentNoShow, MisEventTypes.PatientUpdated,
    ];

    protected override Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken) => misEvent.Data switch
    {
        AppointmentData booking => history.ApplyBookingAsync(booking, cancellationToken),
        AppointmentClosedData closing => history.ApplyClosingAsync(closing, ClosedStatusOf(misEvent.Type), cancellationToken),
        PatientUpdatedData patient => history.ApplyPatientUpdateAsync(patient, cancellationToken),
        _ => throw NotHandled("Audience", misEvent.Type),
    };
}
