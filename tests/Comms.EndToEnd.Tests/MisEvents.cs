using System.Globalization;
using System.Text.Json;

namespace Comms.EndToEnd.Tests;

/// <summary>CloudEvents exactly as a clinic's MIS sends them (docs/mis-integration.md).</summary>
internal static class MisEvents
{
    public static string Booked(
        string eventId, string appointmentId, string phone, DateTimeOffset startsAt, string firstName = "Анна", int version = 1,
        string clinicId = CommsSystem.ClinicId, string? email = null) =>
        JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = eventId,
            source = "mis/clinic-msk-1",
            type = "appointment.booked",
            time = DateTimeOffset.UtcNow,
            datacontenttype = "application/json",
            data = new
            {
                appointmentId,
                version,
                startsAt = startsAt.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                durationMinutes = 30,
                clinic = new { clinicId, name = "Клиника на Ленина", address = "ул. Ленина, 5", timeZone = "Europe/Moscow" },
                patient = new { patientId = "P-" + appointmentId, lastName = "Иванова", firstName, middleName = "Сергеевна", phone, email, birthDate = "1990-05-01" },
                doctor = new { doctorId = "D-5", name = "Петров Павел Петрович", specialty = "Стоматолог-терапевт" },
                service = new { code = "DENT-HYG", name = "Профессиональная гигиена" },
            },
        });

    public static string ConsentGranted(string eventId, string patientId, string phone, string purpose = "service", string clinicId = CommsSystem.ClinicId) =>
        JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = eventId,
            source = "mis/clinic-msk-1",
            type = "patient.consent_changed",
            time = DateTimeOffset.UtcNow,
            data = new
            {
                patientId,
                clinicId,
                phone,
                channel = "sms",
                purpose,
                granted = true,
                method = "mis_checkbox",
                documentRef = "form-2026-11",
                capturedAt = DateTimeOffset.UtcNow,
                capturedBy = "registrar",
            },
        });

    /// <summary>The patient's consent to email, as the MIS records it.</summary>
    public static string EmailConsentGranted(string eventId, string patientId, string email, string purpose = "service", string clinicId = CommsSystem.ClinicId) =>
        JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = eventId,
            source = "mis/clinic-msk-1",
            type = "patient.consent_changed",
            time = DateTimeOffset.UtcNow,
            data = new
            {
                patientId,
                clinicId,
                email,
                channel = "email",
                purpose,
                granted = true,
                method = "web_form",
                documentRef = "lk-2026-11",
                capturedAt = DateTimeOffset.UtcNow,
                capturedBy = "patient",
            },
        });

    /// <summary>A phone number no other test uses: +7 916 xxx-xx-xx.</summary>
    public static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
}
