using Comms.Contracts.Mis;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;

namespace Comms.Feedback.Features.Visits;

/// <summary>
/// Appointment and patient events from the MIS (queue <c>feedback-mis-events</c>): the visits projection, and on
/// <c>appointment.completed</c> the visit's feedback request. Applied once each, one appointment at a time
/// (<see cref="MisEventConsumer"/>).
/// </summary>
public sealed class VisitEventConsumer(
    FeedbackDbContext db,
    VisitProjection visits,
    RequestPlanner planner,
    TimeProvider time,
    BatchIsolation isolation,
    ILogger<VisitEventConsumer> logger) : MisEventConsumer(db, time, isolation, logger)
{
    protected override async Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken)
    {
        switch (misEvent.Data)
        {
            case AppointmentData booking:
                await visits.ApplyBookingAsync(booking, cancellationToken);
                break;
            case AppointmentClosedData closing:
                if (await visits.ApplyClosingAsync(closing, ClosedStatusOf(misEvent.Type), cancellationToken) is { Status: VisitStatuses.Completed } visit)
                {
                    await planner.PlanAsync(visit, cancellationToken);
                }

                break;
            case PatientUpdatedData patient:
                await visits.ApplyPatientUpdateAsync(patient, cancellationToken);
                break;
            default:
                throw NotHandled("Feedback", misEvent.Type);
        }
    }
}
