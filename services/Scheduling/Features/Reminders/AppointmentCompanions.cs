using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// A patient's other appointments starting close to one being reminded of, with their pending sends of the same kind:
/// "you have appointments at 10:00 and 10:30" is one message, not two. Found for a whole dispatcher batch with one
/// query, and a second only when some patient of the batch does have such appointments; the companions' sends are
/// locked (<c>SKIP LOCKED</c>) in the dispatcher's transaction, so no other replica sends them meanwhile.
/// </summary>
public sealed class AppointmentCompanions
{
    private static readonly AppointmentCompanions None = new([], [], TimeSpan.Zero);

    private readonly List<Appointment> _appointments;
    private readonly List<ScheduledSend> _sends;
    private readonly TimeSpan _within;

    private AppointmentCompanions(List<Appointment> appointments, List<ScheduledSend> sends, TimeSpan within)
    {
        _appointments = appointments;
        _sends = sends;
        _within = within;
    }

    public static async Task<AppointmentCompanions> FindAsync(
        SchedulingDbContext db,
        IReadOnlyList<ScheduledSend> due,
        IReadOnlyDictionary<(string ClinicId, string AppointmentId), Appointment> appointments,
        TimeSpan within,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var reminded = due
            .Where(s => SendKinds.BeforeAppointment.Contains(s.Kind))
            .Select(s => appointments.GetValueOrDefault((s.ClinicId, s.AppointmentId)))
            .OfType<Appointment>()
            .Where(a => a.Status == AppointmentStatuses.Booked && a.PatientId.Length > 0)
            .ToList();
        if (within <= TimeSpan.Zero || reminded.Count == 0)
        {
            return None;
        }

        // Patient by patient through the (ClinicId, PatientId) index, whatever the planner's statistics say.
        var patients = reminded.Select(a => (a.ClinicId, a.PatientId)).Distinct().ToList();
        var clinicIds = patients.Select(p => p.ClinicId).ToArray();
        var patientIds = patients.Select(p => p.PatientId).ToArray();
        var from = reminded.Min(a => a.StartsAt) - within;
        var to = reminded.Max(a => a.StartsAt) + within;
        var nearby = await db.Appointments
            .FromSql($"""
                SELECT a.*, a.xmin FROM unnest({clinicIds}, {patientIds}) AS k("ClinicId", "PatientId")
                JOIN appointments a ON a."ClinicId" = k."ClinicId" AND a."PatientId" = k."PatientId"
                WHERE a."Status" = 'booked' AND a."StartsAt" >= {from} AND a."StartsAt" <= {to}
                """)
            .ToListAsync(cancellationToken);
        var others = nearby
            .Where(a => reminded.Any(r => r.ClinicId == a.ClinicId && r.PatientId == a.PatientId && r.AppointmentId != a.AppointmentId &&
                                          (r.StartsAt - a.StartsAt).Duration() <= within))
            .ToList();
        if (others.Count == 0)
        {
            return None;
        }

        var otherClinics = others.Select(a => a.ClinicId).Distinct().ToList();
        var otherIds = others.Select(a => a.AppointmentId).Distinct().ToList();
        var horizon = now + within;
        var sends = await db.ScheduledSends
            .FromSql($"""
                SELECT * FROM scheduled_sends
                WHERE "ClinicId" = ANY({otherClinics}) AND "AppointmentId" = ANY({otherIds})
                  AND "Status" = 'pending' AND "DueAt" <= {horizon}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        return new AppointmentCompanions(others, sends, within);
    }

    /// <summary>The pending sends of the same kind of the patient's other appointments near <paramref name="appointment"/>.</summary>
    public IReadOnlyList<(ScheduledSend Send, Appointment Appointment)> For(ScheduledSend send, Appointment appointment)
    {
        if (_sends.Count == 0 || !SendKinds.BeforeAppointment.Contains(send.Kind))
        {
            return [];
        }

        return [.. _appointments
            .Where(a => a.ClinicId == appointment.ClinicId && a.PatientId == appointment.PatientId && a.AppointmentId != appointment.AppointmentId &&
                        (a.StartsAt - appointment.StartsAt).Duration() <= _within)
            .SelectMany(a => _sends
                .Where(s => s.ClinicId == a.ClinicId && s.AppointmentId == a.AppointmentId && s.Kind == send.Kind && s.Status == SendStatuses.Pending)
                .Take(1)
                .Select(s => (s, a)))];
    }
}
