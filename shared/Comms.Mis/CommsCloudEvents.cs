using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.Extensions.Hosting;

namespace Comms.Mis;

/// <summary>
/// Events for the MIS: CloudEvents 1.0 in structured JSON on the <c>comms.events</c> topic exchange (routing key =
/// type), written to the outbox so they leave only with the state change that caused them.
/// </summary>
public sealed class CommsCloudEvents(IHostEnvironment environment, TimeProvider time)
{
    private readonly string _source = "comms/" + ServiceNames.Kebab(environment.ApplicationName);

    public void Publish(ServiceDbContext db, string type, object data)
    {
        var now = time.GetUtcNow();
        var json = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = Guid.CreateVersion7().ToString(),
            source = _source,
            type,
            time = now,
            datacontenttype = "application/json",
            data,
        }, Outbox.SerializerOptions);
        db.PublishCloudEvent(MessagingExtensions.CommsEventsExchange, type, json, time);
    }

    /// <summary>
    /// <c>patient.message_received</c>: the patient's words that no service reads as an answer, for the clinic to read
    /// (docs/mis-integration.md, section 8); the clinic, patient and appointment are the reply's unless the caller knows better.
    /// </summary>
    public void PublishPatientMessage(ServiceDbContext db, PatientReplied reply, string? clinicId = null, string? patientId = null, string? appointmentId = null) =>
        Publish(db, "patient.message_received", new
        {
            clinicId = clinicId ?? reply.ClinicId,
            patientId = patientId ?? reply.PatientId,
            appointmentId = appointmentId ?? reply.AppointmentId,
            channel = reply.Channel,
            contact = reply.Contact,
            text = reply.Text,
            inReplyToMessageId = reply.InReplyToMessageId,
            receivedAt = reply.ReceivedAt,
        });
}
