using Comms.Audience.Persistence;
using Comms.Contracts.Mis;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.History;

/// <summary>
/// The MIS's appointment and patient events as the patients' history: a booking gives the visit its patient, day and
/// service; a closing gives it its outcome (completed with its amount, cancelled and by whom, no-show). Versions decide
/// as everywhere in Comms: a stale status is ignored, and a booking older than the closing still fills in the details
/// a closing lacks.
/// </summary>
public sealed partial class HistoryProjection(AudienceDbContext db, TimeProvider time, ILogger<HistoryProjection> logger)
{
    public async Task ApplyBookingAsync(AppointmentData data, CancellationToken cancellationToken)
    {
        var visit = await FindOrAddAsync(data.Clinic.ClinicId, data.AppointmentId, cancellationToken);
        if (visit.DetailsVersion >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, visit.DetailsVersion);
            return;
        }

        if (visit.Version < data.Version)
        {
            visit.Version = data.Version;
            visit.Status = VisitStatuses.Booked;
        }

        visit.DetailsVersion = data.Version;
        visit.BookedAt ??= time.GetUtcNow();
        visit.PatientId = data.Patient.PatientId;
        visit.Date = LocalDay(data.StartsAt, data.Patient.TimeZone ?? data.Clinic.TimeZone);
        visit.StartsAt = data.StartsAt.ToUniversalTime();
        visit.TimeZone = data.Patient.TimeZone ?? data.Clinic.TimeZone;
        visit.DoctorId = data.Doctor?.DoctorId;
        visit.Specialty = data.Doctor?.Specialty;
        visit.ServiceCode = visit.Status == VisitStatuses.Completed && visit.ServiceCode is not null ? visit.ServiceCode : data.Service?.Code;
        visit.CourseId = data.CourseId ?? visit.CourseId;
        visit.UpdatedAt = time.GetUtcNow();
        await ApplyPatientAsync(data.Clinic.ClinicId, data.Patient.PatientId, data.Patient.BirthDate, data.Patient.Profile, cancellationToken);
        await ApplyAddresseeAsync(data.Clinic.ClinicId, data.Patient.PatientId, data.Patient.FirstName, data.Patient.MiddleName, data.Patient.LastName,
            data.Patient.TimeZone ?? data.Clinic.TimeZone, cancellationToken);
        await ApplyClinicAsync(data.Clinic, cancellationToken);
    }

    public async Task ApplyClosingAsync(AppointmentClosedData data, string status, CancellationToken cancellationToken)
    {
        var visit = await FindOrAddAsync(data.Clinic.ClinicId, data.AppointmentId, cancellationToken);
        if (visit.Version >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, visit.Version);
            return;
        }

        visit.Version = data.Version;
        visit.Status = status;
        visit.CancelledBy = status == VisitStatuses.Cancelled ? data.CancelledBy : null;
        if (status == VisitStatuses.Completed)
        {
            // What was paid; failing that, what the services cost.
            visit.Amount = data.AmountPaid ?? (data.Services?.Any(s => s.Price is not null) == true ? data.Services.Sum(s => s.Price ?? 0) : visit.Amount);
            visit.Discount = data.Discount ?? visit.Discount;
            if (data.Services is [{ Code: { } code }, ..])
            {
                visit.ServiceCode = code;
            }
        }

        visit.UpdatedAt = time.GetUtcNow();
    }

    public async Task ApplyPatientUpdateAsync(PatientUpdatedData data, CancellationToken cancellationToken)
    {
        await ApplyPatientAsync(data.ClinicId, data.PatientId, data.BirthDate, data.Profile, cancellationToken);
        await ApplyAddresseeAsync(data.ClinicId, data.PatientId, data.FirstName, data.MiddleName, data.LastName, data.TimeZone, cancellationToken);
    }

    /// <summary>The name a campaign's text addresses the patient by (only what the event says is changed).</summary>
    public Task ApplyAddresseeAsync(
        string clinicId, string patientId, string? firstName, string? middleName, string? lastName, string? timeZone, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO addressees ("ClinicId", "PatientId", "FirstName", "MiddleName", "LastName", "TimeZone", "UpdatedAt")
            VALUES ({clinicId}, {patientId}, {firstName}, {middleName}, {lastName}, {timeZone}, {now})
            ON CONFLICT ("ClinicId", "PatientId") DO UPDATE SET
                "FirstName" = COALESCE(EXCLUDED."FirstName", addressees."FirstName"),
                "MiddleName" = COALESCE(EXCLUDED."MiddleName", addressees."MiddleName"),
                "LastName" = COALESCE(EXCLUDED."LastName", addressees."LastName"),
                "TimeZone" = COALESCE(EXCLUDED."TimeZone", addressees."TimeZone"),
                "UpdatedAt" = EXCLUDED."UpdatedAt"
            """, cancellationToken);
    }

    /// <summary>The clinic's name, address and zone for campaigns' texts and send windows.</summary>
    public Task ApplyClinicAsync(MisClinic clinic, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO clinic_cards ("ClinicId", "Name", "Address", "TimeZone", "UpdatedAt")
            VALUES ({clinic.ClinicId}, {clinic.Name}, {clinic.Address}, {clinic.TimeZone}, {now})
            ON CONFLICT ("ClinicId") DO UPDATE SET
                "Name" = COALESCE(EXCLUDED."Name", clinic_cards."Name"),
                "Address" = COALESCE(EXCLUDED."Address", clinic_cards."Address"),
                "TimeZone" = COALESCE(EXCLUDED."TimeZone", clinic_cards."TimeZone"),
                "UpdatedAt" = EXCLUDED."UpdatedAt"
            """, cancellationToken);
    }

    /// <summary>
    /// One statement, so that two bookings of one patient applied at once (they lock their appointments, not the
    /// patient) both land: only what the event says is changed.
    /// </summary>
    private Task ApplyPatientAsync(string clinicId, string patientId, DateOnly? birthDate, MisPatientProfile? profile, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO patients ("ClinicId", "PatientId", "BirthDate", "Sex", "City", "District", "AcquisitionSource", "ReferredBy", "UpdatedAt")
            VALUES ({clinicId}, {patientId}, {birthDate}, {profile?.Sex}, {profile?.City}, {profile?.District}, {profile?.AcquisitionSource}, {profile?.ReferredBy}, {now})
            ON CONFLICT ("ClinicId", "PatientId") DO UPDATE SET
                "BirthDate" = COALESCE(EXCLUDED."BirthDate", patients."BirthDate"),
                "Sex" = COALESCE(EXCLUDED."Sex", patients."Sex"),
                "City" = COALESCE(EXCLUDED."City", patients."City"),
                "District" = COALESCE(EXCLUDED."District", patients."District"),
                "AcquisitionSource" = COALESCE(EXCLUDED."AcquisitionSource", patients."AcquisitionSource"),
                "ReferredBy" = COALESCE(EXCLUDED."ReferredBy", patients."ReferredBy"),
                "UpdatedAt" = EXCLUDED."UpdatedAt"
            """, cancellationToken);
    }

    private async Task<Visit> FindOrAddAsync(string clinicId, string appointmentId, CancellationToken cancellationToken)
    {
        var key = VisitKeys.Appointment(appointmentId);
        if (await db.Visits.FindAsync([clinicId, key], cancellationToken) is { } visit)
        {
            return visit;
        }

        visit = new Visit { ClinicId = clinicId, VisitKey = key, Source = VisitSources.Mis, Version = -1 };
        db.Visits.Add(visit);
        return visit;
    }

    private static DateOnly LocalDay(DateTimeOffset startsAt, string? timeZone)
    {
        var zone = timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(startsAt, zone).DateTime);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stale MIS event for appointment {AppointmentId} ignored: version {Version}, stored {Stored}")]
    private static partial void LogStale(ILogger logger, string appointmentId, long version, long stored);
}

/// <summary>The keys of visits: the MIS's appointment id, or an imported row's identity.</summary>
public static class VisitKeys
{
    /// <summary>A visit the MIS told of by events, or an imported row that names its appointment id.</summary>
    public static string Appointment(string appointmentId) => $"a:{appointmentId}";
}
