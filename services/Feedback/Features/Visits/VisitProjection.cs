using Comms.Contracts.Mis;
using Comms.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Feedback.Features.Visits;

/// <summary>
/// Keeps <see cref="Visit"/> rows as the MIS describes them. A booking or reschedule older than the version already
/// applied changes nothing, except that it fills in the details of a visit so far known only from its closing event
/// (the MIS may deliver <c>appointment.completed</c> before the booking it closes).
/// </summary>
public sealed partial class VisitProjection(FeedbackDbContext db, TimeProvider time, ILogger<VisitProjection> logger)
{
    public async Task ApplyBookingAsync(AppointmentData data, CancellationToken cancellationToken)
    {
        var visit = await db.Visits.FindAsync([data.Clinic.ClinicId, data.AppointmentId], cancellationToken);
        var stale = visit is not null && visit.Version >= data.Version;
        if (stale && visit!.HasDetails)
        {
            LogStale(logger, data.AppointmentId, data.Version, visit.Version);
            return;
        }

        if (visit is null)
        {
            visit = new Visit { ClinicId = data.Clinic.ClinicId, AppointmentId = data.AppointmentId, Status = VisitStatuses.Booked };
            db.Visits.Add(visit);
        }

        if (!stale)
        {
            visit.Version = data.Version;
            visit.Status = VisitStatuses.Booked;
        }

        visit.HasDetails = true;
        visit.StartsAt = data.StartsAt.ToUniversalTime();
        visit.ClinicName = data.Clinic.Name;
        visit.ClinicTimeZone = data.Clinic.TimeZone;
        visit.PatientId = data.Patient.PatientId;
        visit.LastName = data.Patient.LastName;
        visit.FirstName = data.Patient.FirstName;
        visit.MiddleName = data.Patient.MiddleName;
        visit.Phone = data.Patient.Phone;
        visit.Email = data.Patient.Email;
        visit.PatientTimeZone = data.Patient.TimeZone ?? visit.PatientTimeZone;
        visit.DoctorId = data.Doctor?.DoctorId;
        visit.DoctorName = data.Doctor?.Name;
        visit.DoctorSpecialty = data.Doctor?.Specialty;
        visit.ServiceCode = data.Service?.Code;
        visit.ServiceName = data.Service?.Name;
        visit.UpdatedAt = time.GetUtcNow();
    }

    /// <summary>Returns the visit when this event closed it (a newer version), null when it was stale.</summary>
    public async Task<Visit?> ApplyClosingAsync(AppointmentClosedData data, string status, CancellationToken cancellationToken)
    {
        var visit = await db.Visits.FindAsync([data.Clinic.ClinicId, data.AppointmentId], cancellationToken);
        if (visit is not null && visit.Version >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, visit.Version);
            return null;
        }

        var now = time.GetUtcNow();
        if (visit is null)
        {
            visit = new Visit { ClinicId = data.Clinic.ClinicId, AppointmentId = data.AppointmentId, Status = status };
            db.Visits.Add(visit);
        }

        visit.Version = data.Version;
        visit.Status = status;
        visit.ClinicTimeZone = data.Clinic.TimeZone ?? visit.ClinicTimeZone;
        visit.ClinicName = data.Clinic.Name ?? visit.ClinicName;
        if (status == VisitStatuses.Completed)
        {
            visit.CompletedAt = now;
            // The service actually given, when the MIS says: it may differ from the one booked.
            if (data.Services is [{ } first, ..])
            {
                visit.ServiceCode = first.Code ?? visit.ServiceCode;
                visit.ServiceName = first.Name ?? visit.ServiceName;
            }
        }

        visit.UpdatedAt = now;
        return visit;
    }

    public async Task ApplyPatientUpdateAsync(PatientUpdatedData data, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var visits = await db.Visits.Where(v => v.ClinicId == data.ClinicId && v.PatientId == data.PatientId).ToListAsync(cancellationToken);
        foreach (var visit in visits)
        {
            visit.LastName = data.LastName ?? visit.LastName;
            visit.FirstName = data.FirstName ?? visit.FirstName;
            visit.MiddleName = data.MiddleName ?? visit.MiddleName;
            visit.Phone = data.Phone ?? visit.Phone;
            visit.Email = data.Email ?? visit.Email;
            visit.PatientTimeZone = data.TimeZone ?? visit.PatientTimeZone;
            visit.UpdatedAt = now;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Appointment {AppointmentId}: version {Version} is not newer than {Applied}; ignored")]
    private static partial void LogStale(ILogger logger, string appointmentId, long version, long applied);
}
