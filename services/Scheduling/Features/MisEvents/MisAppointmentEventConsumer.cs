using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Mis;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>scheduling-mis-events</c>): the appointments and the sends
/// their rules plan. Applied once each, one appointment at a time (<see cref="MisEventConsumer"/>).
/// </summary>
public sealed class MisAppointmentEventConsumer(
    SchedulingDbContext db,
    AppointmentPlanner planner,
    TimeProvider time,
    ILogger<MisAppointmentEventConsumer> logger) : MisEventConsumer(db, time, logger)
{
    protected override Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken) => misEvent.Data switch
    {
        AppointmentData booking => planner.ApplyBookingAsync(booking, cancellationToken),
        AppointmentClosedData closing => planner.ApplyClosingAsync(closing, ClosedStatusOf(misEvent.Type), cancellationToken),
        PatientUpdatedData patient => planner.ApplyPatientUpdateAsync(patient, cancellationToken),
        _ => throw NotHandled("Scheduling", misEvent.Type),
    };
}
