using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Features.Appointments;

/// <summary>What Scheduling knows of an appointment and every send planned for it, with reasons: the operator's
/// answer to "why didn't this patient get a reminder?".</summary>
public static class AppointmentsApi
{
    public static IEndpointRouteBuilder MapAppointmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/clinics/{clinicId}/appointments")
            .WithTags("Appointments")
            .RequireApiKey()
            .MapGet("/{appointmentId}", GetAppointment)
            .WithSummary("An appointment with its planned sends and their delivery status");
        return routes;
    }

    /// <param name="Attempts">Each channel tried, in order: the message id it went with and what became of it.</param>
    public sealed record SendView(
        Guid MessageId, string Kind, int? HoursBefore, string TemplateKey, IReadOnlyList<string> Channels, DateTimeOffset DueAt, string Status,
        string? StatusReason, DateTimeOffset? DispatchedAt, string? DeliveryStatus, string? DeliveryReason, string? Answer, Guid? MergedInto,
        IReadOnlyList<AttemptView> Attempts);

    public sealed record AttemptView(
        Guid MessageId, string Channel, DateTimeOffset StartedAt, DateTimeOffset? NotAfter, string? DeliveryStatus, string? DeliveryReason, string? Cause);

    public sealed record AppointmentView(
        string ClinicId, string AppointmentId, long Version, string Status, DateTimeOffset StartsAt, string TimeZone,
        string PatientId, string? Confirmation, DateTimeOffset? AnsweredAt, IReadOnlyList<SendView> Sends);

    internal static async Task<Results<Ok<AppointmentView>, ProblemHttpResult>> GetAppointment(
        string clinicId, string appointmentId, SchedulingDbContext db, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.AsNoTracking()
            .SingleOrDefaultAsync(a => a.ClinicId == clinicId && a.AppointmentId == appointmentId, cancellationToken);
        if (appointment is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown appointment",
                detail: $"No event for appointment '{appointmentId}' of clinic '{clinicId}' has been applied.");
        }

        var sends = await db.ScheduledSends.AsNoTracking()
            .Where(s => s.ClinicId == clinicId && s.AppointmentId == appointmentId)
            .OrderBy(s => s.DueAt)
            .Select(s => new SendView(s.MessageId, s.Kind, s.HoursBefore, s.TemplateKey, s.Channels, s.DueAt, s.Status, s.StatusReason,
                s.DispatchedAt, s.DeliveryStatus, s.DeliveryReason, s.Answer, s.MergedInto,
                db.ChannelAttempts.Where(a => a.SendMessageId == s.MessageId).OrderBy(a => a.Step)
                    .Select(a => new AttemptView(a.MessageId, a.Channel, a.StartedAt, a.NotAfter, a.DeliveryStatus, a.DeliveryReason, a.Cause))
                    .ToList()))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new AppointmentView(appointment.ClinicId, appointment.AppointmentId, appointment.Version,
            appointment.Status, appointment.StartsAt, appointment.EffectiveTimeZone, appointment.PatientId, appointment.Confirmation,
            appointment.AnsweredAt, sends));
    }
}
