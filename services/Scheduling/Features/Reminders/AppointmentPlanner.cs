using Comms.Contracts.Mis;
using Comms.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Applies MIS appointment events to the appointment and its planned sends. The MIS's version decides between
/// conflicting events: an event not newer than what was applied is stale and ignored, so events may come in any
/// order. A cancellation that arrives before its booking is kept, and the late booking then stays cancelled.
/// </summary>
public sealed partial class AppointmentPlanner(
    SchedulingDbContext db,
    TimeProvider time,
    IOptionsMonitor<ReminderOptions> options,
    ILogger<AppointmentPlanner> logger)
{
    public async Task ApplyBookingAsync(AppointmentData data, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.FindAsync([data.Clinic.ClinicId, data.AppointmentId], cancellationToken);
        if (appointment is not null && appointment.Version >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, appointment.Version);
            return;
        }

        var now = time.GetUtcNow();
        var startsAtChanged = appointment is null || appointment.StartsAt != data.StartsAt || appointment.Status != AppointmentStatuses.Booked;
        if (appointment is null)
        {
            appointment = new Appointment
            {
                ClinicId = data.Clinic.ClinicId,
                AppointmentId = data.AppointmentId,
                Status = AppointmentStatuses.Booked,
                ClinicTimeZone = data.Clinic.TimeZone!,
                PatientId = data.Patient.PatientId,
            };
            db.Appointments.Add(appointment);
        }

        appointment.Version = data.Version;
        appointment.Status = AppointmentStatuses.Booked;
        appointment.StartsAt = data.StartsAt.ToUniversalTime();
        appointment.DurationMinutes = data.DurationMinutes;
        appointment.ClinicTimeZone = data.Clinic.TimeZone!;
        appointment.ClinicName = data.Clinic.Name;
        appointment.ClinicAddress = data.Clinic.Address;
        appointment.PatientId = data.Patient.PatientId;
        appointment.LastName = data.Patient.LastName;
        appointment.FirstName = data.Patient.FirstName;
        appointment.MiddleName = data.Patient.MiddleName;
        appointment.Phone = data.Patient.Phone;
        appointment.Email = data.Patient.Email;
        appointment.PatientTimeZone = data.Patient.TimeZone;
        appointment.DoctorId = data.Doctor?.DoctorId;
        appointment.DoctorName = data.Doctor?.Name;
        appointment.ServiceCode = data.Service?.Code;
        appointment.ServiceName = data.Service?.Name;
        appointment.UpdatedAt = now;

        // Same moment, newer details (a new phone, say): keep the plan, the dispatcher reads the details when due.
        if (!startsAtChanged)
        {
            return;
        }

        await SuppressPendingAsync(appointment, "the appointment was rescheduled", cancellationToken);
        foreach (var planned in ReminderPlanner.Plan(appointment, options.CurrentValue, now))
        {
            db.ScheduledSends.Add(new ScheduledSend
            {
                MessageId = Guid.CreateVersion7(),
                ClinicId = appointment.ClinicId,
                AppointmentId = appointment.AppointmentId,
                Kind = planned.Rule.Kind,
                TemplateKey = planned.Rule.TemplateKey,
                Purpose = planned.Rule.Purpose,
                Channels = [.. planned.Rule.Channels],
                ExpectedReply = planned.Rule.ExpectedReply,
                DueAt = planned.DueAt,
                Status = planned.SkipReason is null ? SendStatuses.Pending : SendStatuses.Skipped,
                StatusReason = planned.SkipReason,
                CreatedAt = now,
            });
        }
    }

    /// <summary>Cancelled, completed or no-show: every pending send of the appointment is withdrawn at once.</summary>
    public async Task ApplyClosingAsync(AppointmentClosedData data, string status, CancellationToken cancellationToken)
    {
        var appointment = await db.Appointments.FindAsync([data.Clinic.ClinicId, data.AppointmentId], cancellationToken);
        if (appointment is not null && appointment.Version >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, appointment.Version);
            return;
        }

        if (appointment is null)
        {
            // The closing event overtook the booking: remember it, so the booking (an older version) is ignored.
            appointment = new Appointment
            {
                ClinicId = data.Clinic.ClinicId,
                AppointmentId = data.AppointmentId,
                Status = status,
                ClinicTimeZone = data.Clinic.TimeZone ?? options.CurrentValue.DefaultTimeZone,
                PatientId = "",
            };
            db.Appointments.Add(appointment);
        }

        appointment.Version = data.Version;
        appointment.Status = status;
        appointment.UpdatedAt = time.GetUtcNow();
        await SuppressPendingAsync(appointment, $"the appointment is {status.Replace('_', '-')}", cancellationToken);
    }

    /// <summary>New contact details apply to the patient's future appointments (their pending sends read them when due).</summary>
    public async Task ApplyPatientUpdateAsync(PatientUpdatedData data, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var appointments = await db.Appointments
            .Where(a => a.ClinicId == data.ClinicId && a.PatientId == data.PatientId && a.StartsAt > now)
            .ToListAsync(cancellationToken);
        foreach (var appointment in appointments)
        {
            appointment.LastName = data.LastName ?? appointment.LastName;
            appointment.FirstName = data.FirstName ?? appointment.FirstName;
            appointment.MiddleName = data.MiddleName ?? appointment.MiddleName;
            appointment.Phone = data.Phone ?? appointment.Phone;
            appointment.Email = data.Email ?? appointment.Email;
            appointment.PatientTimeZone = data.TimeZone ?? appointment.PatientTimeZone;
            appointment.UpdatedAt = now;
        }
    }

    private async Task SuppressPendingAsync(Appointment appointment, string reason, CancellationToken cancellationToken)
    {
        var pending = await db.ScheduledSends
            .Where(s => s.ClinicId == appointment.ClinicId && s.AppointmentId == appointment.AppointmentId && s.Status == SendStatuses.Pending)
            .ToListAsync(cancellationToken);
        foreach (var send in pending)
        {
            send.Status = SendStatuses.Suppressed;
            send.StatusReason = reason;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored stale event for appointment {AppointmentId}: version {Version} is not newer than {Applied}")]
    private static partial void LogStale(ILogger logger, string appointmentId, long version, long applied);
}
