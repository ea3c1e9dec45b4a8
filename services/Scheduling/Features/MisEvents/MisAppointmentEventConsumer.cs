using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>scheduling-mis-events</c>): the appointments and the sends
/// their rules plan. Applied once each, one appointment at a time, in batches (<see cref="MisEventConsumer"/>): the
/// batch's appointments are loaded with one query, and a booking of an appointment not on record reads nothing the
/// batch's other events change, so it is applied without saving them first.
/// </summary>
public sealed class MisAppointmentEventConsumer(
    SchedulingDbContext db,
    AppointmentPlanner planner,
    TimeProvider time,
    BatchIsolation isolation,
    ILogger<MisAppointmentEventConsumer> logger) : MisEventConsumer(db, time, isolation, logger)
{
    protected override Task PrepareAsync(IReadOnlyList<MisEvent> events, CancellationToken cancellationToken) =>
        planner.PreloadAsync([.. events.Select(AppointmentOf).OfType<(string, string)>().Distinct()], cancellationToken);

    protected override bool NeedsEarlierSaved(MisEvent misEvent, IReadOnlySet<string> earlierSubjects) =>
        !(misEvent.Data is AppointmentData booking && planner.IsNew(booking.Clinic.ClinicId, booking.AppointmentId));

    private static (string ClinicId, string AppointmentId)? AppointmentOf(MisEvent misEvent) => misEvent.Data switch
    {
        AppointmentData booking => (booking.Clinic.ClinicId, booking.AppointmentId),
        AppointmentClosedData closing => (closing.Clinic.ClinicId, closing.AppointmentId),
        _ => null,
    };

    protected override Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken) => misEvent.Data switch
    {
        AppointmentData booking => planner.ApplyBookingAsync(booking, cancellationToken),
        AppointmentClosedData closing => planner.ApplyClosingAsync(closing, ClosedStatusOf(misEvent.Type), cancellationToken),
        PatientUpdatedData patient => planner.ApplyPatientUpdateAsync(patient, cancellationToken),
        _ => throw NotHandled("Scheduling", misEvent.Type),
    };
}
