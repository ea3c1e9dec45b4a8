using Comms.Contracts.Mis;
using Comms.Scheduling.Features.Rules;
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
    ClinicRulesStore clinicRules,
    MergedSends mergedSends,
    TimeProvider time,
    IOptionsMonitor<ReminderOptions> options,
    ILogger<AppointmentPlanner> logger)
{
    /// <summary>Appointments known not to be on record (<see cref="PreloadAsync"/>): looked up in this unit of work only.</summary>
    private readonly HashSet<(string ClinicId, string AppointmentId)> _notOnRecord = [];

    /// <summary>
    /// Loads these appointments at once (a batch of MIS events, their subjects locked), so each event finds its own
    /// without a query, and one that is not on record is known to be new.
    /// </summary>
    public async Task PreloadAsync(IReadOnlyCollection<(string ClinicId, string AppointmentId)> keys, CancellationToken cancellationToken)
    {
        _notOnRecord.Clear(); // what an earlier transaction of this unit of work (a batch tried whole, then alone) found no longer holds
        var ids = keys.Select(k => k.AppointmentId).Distinct().ToArray();
        var found = (await db.Appointments.Where(a => ids.Contains(a.AppointmentId)).ToListAsync(cancellationToken))
            .Select(a => (a.ClinicId, a.AppointmentId))
            .ToHashSet();
        _notOnRecord.UnionWith(keys.Where(k => !found.Contains(k)));
    }

    /// <summary>Whether this appointment is not on record and no change of this unit of work made it.</summary>
    public bool IsNew(string clinicId, string appointmentId) =>
        _notOnRecord.Contains((clinicId, appointmentId)) && Tracked(clinicId, appointmentId) is null;

    private async Task<Appointment?> FindAsync(string clinicId, string appointmentId, CancellationToken cancellationToken) =>
        _notOnRecord.Contains((clinicId, appointmentId))
            ? Tracked(clinicId, appointmentId)
            : await db.Appointments.FindAsync([clinicId, appointmentId], cancellationToken);

    private Appointment? Tracked(string clinicId, string appointmentId) =>
        db.Appointments.Local.FindEntryUntyped([clinicId, appointmentId])?.Entity;

    public async Task ApplyBookingAsync(AppointmentData data, CancellationToken cancellationToken)
    {
        var appointment = await FindAsync(data.Clinic.ClinicId, data.AppointmentId, cancellationToken);
        if (appointment is not null && appointment.Version >= data.Version)
        {
            LogStale(logger, data.AppointmentId, data.Version, appointment.Version);
            return;
        }

        var now = time.GetUtcNow();
        var isNew = appointment is null;
        var startsAtChanged = appointment is null || appointment.StartsAt != data.StartsAt || appointment.Status != AppointmentStatuses.Booked;
        var rulesMayDiffer = appointment is not null &&
            (appointment.ServiceCode != data.Service?.Code || appointment.DoctorSpecialty != data.Doctor?.Specialty);
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
        appointment.DoctorSpecialty = data.Doctor?.Specialty;
        appointment.ServiceCode = data.Service?.Code;
        appointment.ServiceName = data.Service?.Name;
        appointment.UpdatedAt = now;

        var rules = await clinicRules.GetAsync(appointment.ClinicId, cancellationToken);
        if (startsAtChanged)
        {
            // A new moment: the old plan (and any answer to it) is void; the patient hears of the new time.
            appointment.Confirmation = null;
            appointment.AnsweredAt = null;
            if (!isNew)
            {
                await SuppressPendingAsync(appointment, "the appointment was rescheduled", cancellationToken); // a new one has none
            }

            Add(appointment, ReminderPlanner.Plan(appointment, rules, ZoneOf(appointment), now), now);
        }
        else if (rulesMayDiffer)
        {
            // Same moment, another service or specialty: its rules may differ.
            var sends = await db.ScheduledSends.Where(s => s.ClinicId == appointment.ClinicId && s.AppointmentId == appointment.AppointmentId)
                .ToListAsync(cancellationToken);
            await ReplanAsync(appointment, rules, sends, now, "the appointment's service or specialty changed", cancellationToken);
        }

        // Otherwise the same moment with newer details (a new phone, say): the plan stays, the dispatcher reads the
        // details when a send is due.
    }

    /// <summary>Cancelled, completed or no-show: every pending send of the appointment is withdrawn at once.</summary>
    public async Task ApplyClosingAsync(AppointmentClosedData data, string status, CancellationToken cancellationToken)
    {
        var appointment = await FindAsync(data.Clinic.ClinicId, data.AppointmentId, cancellationToken);
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

        var now = time.GetUtcNow();
        appointment.Version = data.Version;
        appointment.Status = status;
        appointment.UpdatedAt = now;
        await SuppressPendingAsync(appointment, $"the appointment is {status.Replace('_', '-')}", cancellationToken);
        if (appointment.PatientId.Length == 0)
        {
            return; // Nothing is known of the patient: nobody to write to.
        }

        var rules = await clinicRules.GetAsync(appointment.ClinicId, cancellationToken);
        var zone = ZoneOf(appointment);
        if (status == AppointmentStatuses.NoShow && ReminderPlanner.PlanMissed(rules, zone, now) is { } missed)
        {
            Add(appointment, [missed], now);
        }
        else if (status == AppointmentStatuses.Completed)
        {
            IEnumerable<string?> codes = [appointment.ServiceCode, .. (data.Services ?? []).Select(s => s.Code)];
            Add(appointment, ReminderPlanner.PlanRecalls(appointment, codes.OfType<string>(), rules, zone), now);
        }
    }

    /// <summary>New contact details apply to every appointment of the patient, so recalls and follow-ups reach them too.</summary>
    public async Task ApplyPatientUpdateAsync(PatientUpdatedData data, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var appointments = await db.Appointments
            .Where(a => a.ClinicId == data.ClinicId && a.PatientId == data.PatientId)
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

    /// <summary>
    /// The clinic's rules changed: every booked future appointment gets the plan the new rules give. A pending send the
    /// new rules still give is kept as it is; one they no longer give is suppressed with the reason; a send already
    /// made is never made again, and one whose moment has passed is only recorded as skipped.
    /// </summary>
    public async Task<int> ReplanClinicAsync(string clinicId, ClinicRules rules, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var appointments = await db.Appointments
            .Where(a => a.ClinicId == clinicId && a.Status == AppointmentStatuses.Booked && a.StartsAt > now)
            .ToListAsync(cancellationToken);
        var ids = appointments.Select(a => a.AppointmentId).ToList();
        var sends = (await db.ScheduledSends
                .Where(s => s.ClinicId == clinicId && ids.Contains(s.AppointmentId))
                .ToListAsync(cancellationToken))
            .ToLookup(s => s.AppointmentId);
        foreach (var appointment in appointments)
        {
            await ReplanAsync(appointment, rules, [.. sends[appointment.AppointmentId]], now, "the clinic's reminder rules changed", cancellationToken);
        }

        return appointments.Count;
    }

    private async Task ReplanAsync(
        Appointment appointment, ClinicRules rules, List<ScheduledSend> sends, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        var lastSent = sends.Where(s => s.Status == SendStatuses.Dispatched).Max(s => s.DispatchedAt);
        var pending = sends.Where(s => s.Status == SendStatuses.Pending).ToList();
        var additions = new List<PlannedSend>();
        foreach (var planned in ReminderPlanner.Plan(appointment, rules, ZoneOf(appointment), now, catchUp: false, lastSent))
        {
            var hoursBefore = ((SendRule)planned.Rule).HoursBefore;
            var same = sends.Where(s => s.Kind == planned.Kind && s.HoursBefore == hoursBefore).ToList();
            if (planned.SkipReason is null && pending.Find(s => IsSame(s, planned)) is { } kept)
            {
                pending.Remove(kept);
            }
            else if (same.Any(s => s.Status == SendStatuses.Dispatched || (planned.SkipReason is not null && s.Status != SendStatuses.Pending)))
            {
                // Already sent under this rule, or its skipping already on record.
            }
            else
            {
                additions.Add(planned);
            }
        }

        foreach (var stale in pending)
        {
            stale.Status = SendStatuses.Suppressed;
            stale.StatusReason = reason;
            await mergedSends.ReleaseAsync(stale, cancellationToken);
        }

        Add(appointment, additions, now);
    }

    private static bool IsSame(ScheduledSend send, PlannedSend planned) =>
        send.Kind == planned.Kind && send.HoursBefore == ((SendRule)planned.Rule).HoursBefore && send.DueAt == planned.DueAt &&
        send.TemplateKey == planned.Rule.TemplateKey && send.Purpose == planned.Rule.Purpose && send.Channels.SequenceEqual(planned.Rule.Channels) &&
        Same(send.Fallback, planned.Rule.Fallback);

    private static bool Same(ChannelFallback a, ChannelFallback b) =>
        a.OnNoContact == b.OnNoContact && a.OnNoConsent == b.OnNoConsent && a.OnFailure == b.OnFailure &&
        a.NotDeliveredWithinMinutes == b.NotDeliveredWithinMinutes;

    /// <summary>The send keeps the fallback its rule had when it was planned: a copy, not the rules document's object.</summary>
    internal static ChannelFallback Copy(ChannelFallback fallback) => new()
    {
        OnNoContact = fallback.OnNoContact,
        OnNoConsent = fallback.OnNoConsent,
        OnFailure = fallback.OnFailure,
        NotDeliveredWithinMinutes = fallback.NotDeliveredWithinMinutes,
    };

    private void Add(Appointment appointment, IEnumerable<PlannedSend> plan, DateTimeOffset now)
    {
        foreach (var planned in plan)
        {
            db.ScheduledSends.Add(new ScheduledSend
            {
                MessageId = Guid.CreateVersion7(),
                ClinicId = appointment.ClinicId,
                AppointmentId = appointment.AppointmentId,
                Kind = planned.Kind,
                HoursBefore = (planned.Rule as SendRule)?.HoursBefore,
                TemplateKey = planned.Rule.TemplateKey,
                Purpose = planned.Rule.Purpose,
                Channels = [.. planned.Rule.Channels],
                Fallback = Copy(planned.Rule.Fallback),
                ExpectedReply = planned.ExpectedReply,
                DueAt = planned.DueAt,
                Status = planned.SkipReason is null ? SendStatuses.Pending : SendStatuses.Skipped,
                StatusReason = planned.SkipReason,
                CreatedAt = now,
            });
        }
    }

    private TimeZoneInfo ZoneOf(Appointment appointment) =>
        ReminderPlanner.ResolveZone(appointment.EffectiveTimeZone, options.CurrentValue.DefaultTimeZone);

    private async Task SuppressPendingAsync(Appointment appointment, string reason, CancellationToken cancellationToken)
    {
        var pending = await db.ScheduledSends
            .Where(s => s.ClinicId == appointment.ClinicId && s.AppointmentId == appointment.AppointmentId && s.Status == SendStatuses.Pending)
            .ToListAsync(cancellationToken);
        foreach (var send in pending)
        {
            send.Status = SendStatuses.Suppressed;
            send.StatusReason = reason;
            await mergedSends.ReleaseAsync(send, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored stale event for appointment {AppointmentId}: version {Version} is not newer than {Applied}")]
    private static partial void LogStale(ILogger logger, string appointmentId, long version, long applied);
}
