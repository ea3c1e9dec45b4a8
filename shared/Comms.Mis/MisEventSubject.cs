using Comms.Contracts.Mis;

namespace Comms.Mis;

public static class MisEventSubject
{
    /// <summary>
    /// What an event is about, for <see cref="Persistence.SubjectLock"/>: the appointment (clinic and MIS id) or the
    /// patient; any other event is its own subject.
    /// </summary>
    public static string SubjectOf(MisEvent misEvent) => misEvent.Data switch
    {
        AppointmentData booking => $"appointment|{booking.Clinic.ClinicId}|{booking.AppointmentId}",
        AppointmentClosedData closing => $"appointment|{closing.Clinic.ClinicId}|{closing.AppointmentId}",
        PatientUpdatedData patient => $"patient|{patient.ClinicId}|{patient.PatientId}",
        WaitlistAddedData entry => $"waitlist|{entry.Clinic.ClinicId}|{entry.EntryId}",
        WaitlistRemovedData entry => $"waitlist|{entry.Clinic.ClinicId}|{entry.EntryId}",
        SlotFreedData slot => $"slot|{slot.Clinic.ClinicId}|{slot.Doctor.DoctorId}|{slot.StartsAt.UtcTicks}",
        _ => $"mis-event|{misEvent.Key}",
    };
}
