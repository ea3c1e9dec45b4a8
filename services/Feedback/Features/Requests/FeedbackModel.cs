using System.Globalization;
using Comms.Feedback.Persistence;

namespace Comms.Feedback.Features.Requests;

/// <summary>
/// The variables of <c>feedback.request</c> and <c>feedback.followup</c>, formatted for the patient: dates in their zone,
/// in Russian. The keys a template may use are Templating's catalog for the key (docs/templates.md); doctor and service
/// travel for templates that may come to use them, and the default texts leave them out (323-ФЗ: a visit is a medical secret).
/// </summary>
public static class FeedbackModel
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static Dictionary<string, string?> For(Visit visit, FeedbackRequest request, TimeZoneInfo zone, string? link)
    {
        var local = TimeZoneInfo.ConvertTime(visit.StartsAt, zone);
        var hasStart = visit.StartsAt != default;
        return new Dictionary<string, string?>
        {
            ["patient.firstName"] = visit.FirstName,
            ["patient.middleName"] = visit.MiddleName,
            ["patient.lastName"] = visit.LastName,
            ["appointment.id"] = visit.AppointmentId,
            ["appointment.date"] = hasStart ? local.ToString("dd.MM.yyyy", Russian) : null,
            ["appointment.time"] = hasStart ? local.ToString("HH:mm", Russian) : null,
            ["appointment.startsAt"] = hasStart ? local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) : null,
            ["clinic.id"] = visit.ClinicId,
            ["clinic.name"] = visit.ClinicName,
            ["clinic.address"] = null,
            ["clinic.phone"] = null,
            ["doctor.name"] = visit.DoctorName,
            ["service.name"] = visit.ServiceName,
            ["feedback.link"] = link,
            ["feedback.scale"] = request.Scale,
            ["feedback.min"] = RatingScales.Min(request.Scale).ToString(CultureInfo.InvariantCulture),
            ["feedback.max"] = RatingScales.Max(request.Scale).ToString(CultureInfo.InvariantCulture),
        };
    }
}
