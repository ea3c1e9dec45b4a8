using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Persistence;

namespace Comms.Mis;

/// <summary>
/// A message's status change, told twice in one transaction: to Comms services as <see cref="MessageStatusChanged"/>
/// and to the MIS as a <c>message.status_changed</c> CloudEvent on <c>comms.events</c>.
/// </summary>
public sealed class MessageStatusPublisher(CommsCloudEvents misEvents, TimeProvider time)
{
    public void Publish(ServiceDbContext db, MessageStatusChanged change)
    {
        db.Publish(change, time);
        misEvents.Publish(db, "message.status_changed", new
        {
            messageId = change.MessageId,
            appointmentId = change.AppointmentId,
            clinicId = change.ClinicId,
            patientId = change.PatientId,
            channel = change.Channel,
            status = change.Status,
            reason = change.Reason,
            provider = change.Provider,
            cause = change.Cause,
            cost = change.Cost,
            currency = change.Currency,
            occurredAt = change.OccurredAt,
        });
    }
}
