using System.Globalization;
using Comms.Scheduling.Persistence;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// The variables a template may use, formatted for the patient: dates and times in their zone, in Russian.
/// Doctor and service are offered but the default templates leave them out (323-ФЗ: a visit is a medical secret).
/// </summary>
public static class MessageModel
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static Dictionary<string, string?> For(Appointment appointment, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(appointment.StartsAt, zone);
        return new Dictionary<string, string?>
        {
            ["patient.firstName"] = appointment.FirstName,
            ["patient.middleName"] = appointment.MiddleName,
            ["patient.lastName"] = appointment.LastName,
            ["appointment.id"] = appointment.AppointmentId,
            ["appointment.date"] = local.ToString("dd.MM.yyyy", Russian),
            ["appointment.time"] = local.ToString("HH:mm", Russian),
            ["appointment.weekday"] = local.ToString("dddd", Russian),
            ["appointment.startsAt"] = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["clinic.id"] = appointment.ClinicId,
            ["clinic.name"] = appointment.ClinicName,
            ["clinic.address"] = appointment.ClinicAddress,
            ["doctor.name"] = appointment.DoctorName,
            ["service.name"] = appointment.ServiceName,
        };
    }
}
