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

    /// <summary>
    /// The model of one message about one or more appointments (a patient's appointments within the hour go in one
    /// message): the earliest gives the date and details, <c>appointment.time</c> lists every start ("10:00 и 10:30").
    /// </summary>
    public static Dictionary<string, string?> For(IReadOnlyList<Appointment> appointments, TimeZoneInfo zone)
    {
        var ordered = appointments.OrderBy(a => a.StartsAt).ToList();
        var appointment = ordered[0];
        var local = TimeZoneInfo.ConvertTime(appointment.StartsAt, zone);
        var times = ordered.Select(a => TimeZoneInfo.ConvertTime(a.StartsAt, zone).ToString("HH:mm", Russian)).Distinct().ToList();
        return new Dictionary<string, string?>
        {
            ["patient.firstName"] = appointment.FirstName,
            ["patient.middleName"] = appointment.MiddleName,
            ["patient.lastName"] = appointment.LastName,
            ["appointment.id"] = appointment.AppointmentId,
            ["appointment.date"] = local.ToString("dd.MM.yyyy", Russian),
            ["appointment.time"] = times.Count == 1 ? times[0] : $"{string.Join(", ", times[..^1])} и {times[^1]}",
            ["appointment.weekday"] = local.ToString("dddd", Russian),
            ["appointment.startsAt"] = local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["appointment.count"] = ordered.Count.ToString(CultureInfo.InvariantCulture),
            ["clinic.id"] = appointment.ClinicId,
            ["clinic.name"] = appointment.ClinicName,
            ["clinic.address"] = appointment.ClinicAddress,
            // The MIS event carries no clinic phone yet; the key is here so templates' "if clinic.phone" reads as designed.
            ["clinic.phone"] = null,
            ["doctor.name"] = appointment.DoctorName,
            ["service.name"] = appointment.ServiceName,
        };
    }
}
