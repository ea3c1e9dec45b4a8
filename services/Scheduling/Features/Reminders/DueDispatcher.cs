using Comms.Contracts.Scheduling;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Sends what is due. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas share the work without
/// sending a row twice; the ComposeMessage goes through the outbox in the same transaction that marks the row
/// dispatched, so a crash either sends it once or leaves it pending for the next pass. Nothing is lost on restart:
/// the state lives in PostgreSQL, not in memory.
/// A pass is one transaction for its whole batch; when it fails for a reason of its own sends (not the database's
/// absence), each of its sends is dispatched on its own, and the one that fails rests (<see cref="FailingRows{TKey}"/>):
/// one send that fails every time holds back no other clinic's reminders.
/// </summary>
public sealed partial class DueDispatcher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<ReminderOptions> options,
    FailingRows<Guid> failing,
    ILogger<DueDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            var dispatched = 0;
            try
            {
                dispatched = await DispatchDueAsync(settings, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(logger, ex);
            }

            if (dispatched < settings.DispatchBatchSize)
            {
                await Task.Delay(settings.DispatchInterval, time, stoppingToken);
            }
        }
    }

    /// <summary>One pass: the due sends of a batch, or each on its own when the batch fails for one of them. Returns how many were handled.</summary>
    public async Task<int> DispatchDueAsync(ReminderOptions settings, CancellationToken cancellationToken)
    {
        var claimed = new List<Guid>();
        try
        {
            return await DispatchAsync(settings, only: null, claimed, cancellationToken);
        }
        catch (Exception ex) when (claimed.Count > 0 && !TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, ex, claimed.Count);
        }

        var handled = 0;
        foreach (var messageId in claimed)
        {
            try
            {
                await DispatchAsync(settings, only: messageId, [], cancellationToken);
                failing.Succeeded(messageId);
            }
            catch (Exception ex) when (!TransientFailures.Is(ex) && !cancellationToken.IsCancellationRequested)
            {
                failing.Failed(messageId, ex);
                LogSendFailed(logger, ex, messageId);
            }

            handled++;
        }

        return handled;
    }

    private async Task<int> DispatchAsync(ReminderOptions settings, Guid? only, List<Guid> claimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var resting = failing.Resting();
        var due = await (only is { } messageId
            ? db.ScheduledSends.FromSql($"""
                SELECT * FROM scheduled_sends
                WHERE "MessageId" = {messageId} AND "Status" = 'pending' AND "DueAt" <= {now}
                FOR UPDATE SKIP LOCKED
                """)
            : db.ScheduledSends.FromSql($"""
                SELECT * FROM scheduled_sends
                WHERE "Status" = 'pending' AND "DueAt" <= {now} AND "MessageId" <> ALL({resting})
                ORDER BY "DueAt"
                LIMIT {settings.DispatchBatchSize}
                FOR UPDATE SKIP LOCKED
                """))
            .ToListAsync(cancellationToken);
        claimed.AddRange(due.Select(s => s.MessageId));
        if (due.Count == 0)
        {
            return 0;
        }

        // By both key columns, so the primary key answers: by the appointment id alone PostgreSQL would read the whole
        // table on every pass, and a pass would cost more the further ahead clinics plan (see docs/performance.md).
        // Looked up key by key through the primary key: a pass costs a lookup per send, not a scan that grows as
        // clinics plan further ahead, whatever the planner's statistics say (see docs/performance.md).
        var keys = due.Select(s => (s.ClinicId, s.AppointmentId)).Distinct().ToList();
        var clinicIds = keys.Select(k => k.ClinicId).ToArray();
        var appointmentIds = keys.Select(k => k.AppointmentId).ToArray();
        var appointments = await db.Appointments
            .FromSql($"""
                SELECT a.*, a.xmin FROM unnest({clinicIds}, {appointmentIds}) AS k("ClinicId", "AppointmentId")
                JOIN appointments a ON a."ClinicId" = k."ClinicId" AND a."AppointmentId" = k."AppointmentId"
                """)
            .ToDictionaryAsync(a => (a.ClinicId, a.AppointmentId), cancellationToken);

        var rules = scope.ServiceProvider.GetRequiredService<ClinicRulesStore>();
        var mergedSends = scope.ServiceProvider.GetRequiredService<MergedSends>();
        var companions = await AppointmentCompanions.FindAsync(db, due, appointments, settings.MergeAppointmentsWithin, now, cancellationToken);

        foreach (var send in due.Where(s => s.Status == SendStatuses.Pending))
        {
            appointments.TryGetValue((send.ClinicId, send.AppointmentId), out var appointment);
            var clinicRules = await rules.GetAsync(send.ClinicId, cancellationToken);
            if (await RefusalAsync(db, send, appointment, clinicRules, settings, now, cancellationToken) is { } refusal)
            {
                send.Status = refusal.Status;
                send.StatusReason = refusal.Reason;
                await mergedSends.ReleaseAsync(send, cancellationToken);
                continue;
            }

            // The other appointments of the message: merged now (the first channel), or merged when it first went.
            IReadOnlyList<(ScheduledSend Send, Appointment Appointment)> together = send.ChannelStep == 0
                ? companions.For(send, appointment!)
                : await MergedEarlierAsync(db, send, cancellationToken);
            if (send.ChannelStep == 0)
            {
                foreach (var (other, _) in together)
                {
                    other.Status = SendStatuses.Merged;
                    other.MergedInto = send.MessageId;
                    other.DispatchedAt = now;
                    other.StatusReason = $"sent in one message with appointment {appointment!.AppointmentId}: the patient's appointments are within {settings.MergeAppointmentsWithin:hh\\:mm} of each other";
                }
            }

            // One channel at a time: the next goes only when this one surely did not reach the patient.
            var channel = send.Channels[send.ChannelStep];
            var attempt = new ChannelAttempt
            {
                MessageId = ChannelSteps.AttemptId(send.MessageId, send.ChannelStep),
                SendMessageId = send.MessageId,
                Step = send.ChannelStep,
                Channel = channel,
                StartedAt = now,
                NotAfter = ChannelSteps.NotAfter(send, now),
            };
            db.ChannelAttempts.Add(attempt);
            var zone = ReminderPlanner.ResolveZone(appointment!.EffectiveTimeZone, settings.DefaultTimeZone);
            db.Publish(
                new ComposeMessage(
                    attempt.MessageId,
                    send.TemplateKey,
                    send.Purpose,
                    [channel],
                    new MessageRecipient(appointment.ClinicId, appointment.PatientId, appointment.Phone, appointment.Email, null, appointment.EffectiveTimeZone),
                    "ru",
                    MessageModel.For([appointment, .. together.Select(t => t.Appointment)], zone),
                    appointment.AppointmentId,
                    send.ExpectedReply,
                    now,
                    attempt.NotAfter),
                time);
            send.Status = SendStatuses.Dispatched;
            send.DispatchedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // Only now is it so: a replica that dies before the commit has dispatched nothing, and its log must not say otherwise.
        foreach (var send in due.Where(s => s.Status == SendStatuses.Dispatched))
        {
            LogDispatched(logger, send.MessageId, send.Kind, send.AppointmentId);
        }

        return due.Count;
    }

    private sealed record Refusal(string Status, string Reason);

    /// <summary>The sends merged into this one when its first channel went, with their appointments.</summary>
    private static async Task<List<(ScheduledSend Send, Appointment Appointment)>> MergedEarlierAsync(
        SchedulingDbContext db, ScheduledSend send, CancellationToken cancellationToken)
    {
        var merged = new List<(ScheduledSend, Appointment)>();
        foreach (var other in await db.ScheduledSends.Where(s => s.MergedInto == send.MessageId).ToListAsync(cancellationToken))
        {
            if (await db.Appointments.FindAsync([other.ClinicId, other.AppointmentId], cancellationToken) is { Status: AppointmentStatuses.Booked } appointment)
            {
                merged.Add((other, appointment));
            }
        }

        return merged;
    }

    /// <summary>Why a due send must not go out now, if it must not: each kind has its own conditions.</summary>
    private static async Task<Refusal?> RefusalAsync(
        SchedulingDbContext db, ScheduledSend send, Appointment? appointment, ClinicRules rules, ReminderOptions settings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (appointment is null || appointment.PatientId.Length == 0)
        {
            return new Refusal(SendStatuses.Suppressed, "the appointment is not known");
        }

        switch (send.Kind)
        {
            case SendKinds.Missed:
                return appointment.Status == AppointmentStatuses.NoShow
                    ? null
                    : new Refusal(SendStatuses.Suppressed, $"the appointment is no longer a no-show but {appointment.Status}");
            case SendKinds.Recall or SendKinds.Reactivation:
                if (send.Kind == SendKinds.Recall && appointment.Status != AppointmentStatuses.Completed)
                {
                    return new Refusal(SendStatuses.Suppressed, $"the visit is no longer completed but {appointment.Status}");
                }

                var next = await db.Appointments.AsNoTracking()
                    .Where(a => a.ClinicId == appointment.ClinicId && a.PatientId == appointment.PatientId &&
                                a.Status == AppointmentStatuses.Booked && a.StartsAt > now)
                    .OrderBy(a => a.StartsAt)
                    .FirstOrDefaultAsync(cancellationToken);
                return next is null
                    ? null
                    : new Refusal(SendStatuses.Skipped, $"the patient has already booked again: appointment {next.AppointmentId} at {next.StartsAt:u}");
            default:
                if (appointment.Status != AppointmentStatuses.Booked)
                {
                    return new Refusal(SendStatuses.Suppressed, "the appointment is no longer booked");
                }

                // The dispatcher was down or behind: a reminder that would now arrive too late helps nobody.
                return now > appointment.StartsAt - rules.MinimumLeadTime + settings.LateTolerance
                    ? new Refusal(SendStatuses.Skipped, "came due too close to the appointment")
                    : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatched {Kind} {MessageId} for appointment {AppointmentId}")]
    private static partial void LogDispatched(ILogger logger, Guid messageId, string kind, string appointmentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due dispatcher pass failed; retrying on the next pass")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} due sends failed; dispatching each on its own")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due send {MessageId} failed on its own; it waits, the others go on")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid messageId);
}
