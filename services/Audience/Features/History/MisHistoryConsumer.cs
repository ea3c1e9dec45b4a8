using Comms.Audience.Features.Waitlist;
using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;

namespace Comms.Audience.Features.History;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>audience-mis-events</c>, its own binding to <c>mis.events</c>):
/// the patients' history, and the waitlist's events (<see cref="WaitlistBook"/>; a cancellation may free a slot). Applied
/// once each, one appointment at a time (<see cref="MisEventConsumer"/>).
/// </summary>
public sealed class MisHistoryConsumer(
    AudienceDbContext db,
    HistoryProjection history,
    WaitlistBook waitlist,
    TimeProvider time,
    BatchIsolation isolation,
    ILogger<MisHistoryConsumer> logger) : MisEventConsumer(db, time, isolation, logger)
{
    public const string QueueName = "audience-mis-events";

    public static readonly string[] RoutingKeys =
    [
        MisEventTypes.AppointmentBooked, MisEventTypes.AppointmentRescheduled, MisEventTypes.AppointmentCancelled,
        MisEventTypes.AppointmentCompleted, MisEventTypes.AppointmentNoShow, MisEventTypes.PatientUpdated,
        MisEventTypes.WaitlistAdded, MisEventTypes.WaitlistRemoved, MisEventTypes.SlotFreed,
    ];

    protected override Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken) => misEvent.Data switch
    {
        AppointmentData booking => history.ApplyBookingAsync(booking, cancellationToken),
        AppointmentClosedData closing when misEvent.Type == MisEventTypes.AppointmentCancelled => CancelAsync(closing, cancellationToken),
        AppointmentClosedData closing => history.ApplyClosingAsync(closing, ClosedStatusOf(misEvent.Type), cancellationToken),
        PatientUpdatedData patient => history.ApplyPatientUpdateAsync(patient, cancellationToken),
        WaitlistAddedData entry => waitlist.ApplyAddedAsync(entry, misEvent.Time, cancellationToken),
        WaitlistRemovedData entry => waitlist.ApplyRemovedAsync(entry, cancellationToken),
        SlotFreedData slot => waitlist.ApplySlotFreedAsync(slot, cancellationToken),
        _ => throw NotHandled("Audience", misEvent.Type),
    };

    /// <summary>The visit's history, and — when the booking had a doctor and a start still ahead — its time offered to the waitlist.</summary>
    private async Task CancelAsync(AppointmentClosedData closing, CancellationToken cancellationToken)
    {
        var booking = await waitlist.BookingBeforeAsync(closing, cancellationToken);
        await history.ApplyClosingAsync(closing, ClosedStatusOf(MisEventTypes.AppointmentCancelled), cancellationToken);
        if (booking is not null)
        {
            await waitlist.ApplyCancelledAsync(closing, booking, cancellationToken);
        }
    }
}
