using Comms.Contracts.Scheduling;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Sends what is due. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so replicas share the work without
/// sending a row twice; the ComposeMessage goes through the outbox in the same transaction that marks the row
/// dispatched, so a crash either sends it once or leaves it pending for the next pass. Nothing is lost on restart:
/// the state lives in PostgreSQL, not in memory.
/// </summary>
public sealed partial class DueDispatcher(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<ReminderOptions> options,
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

    public async Task<int> DispatchDueAsync(ReminderOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SchedulingDbContext>();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var due = await db.ScheduledSends
            .FromSql($"""
                SELECT * FROM scheduled_sends
                WHERE "Status" = 'pending' AND "DueAt" <= {now}
                ORDER BY "DueAt"
                LIMIT {settings.DispatchBatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var keys = due.Select(s => s.AppointmentId).Distinct().ToList();
        var appointments = await db.Appointments
            .Where(a => keys.Contains(a.AppointmentId))
            .ToDictionaryAsync(a => (a.ClinicId, a.AppointmentId), cancellationToken);

        foreach (var send in due)
        {
            if (!appointments.TryGetValue((send.ClinicId, send.AppointmentId), out var appointment) ||
                appointment.Status != AppointmentStatuses.Booked)
            {
                send.Status = SendStatuses.Suppressed;
                send.StatusReason = "the appointment is no longer booked";
                continue;
            }

            if (now > appointment.StartsAt - settings.MinimumLeadTime + settings.LateTolerance)
            {
                // The dispatcher was down or behind: a reminder that would now arrive too late helps nobody.
                send.Status = SendStatuses.Skipped;
                send.StatusReason = "came due too close to the appointment";
                continue;
            }

            var zone = ReminderPlanner.ResolveZone(appointment.EffectiveTimeZone, settings.DefaultTimeZone);
            db.Publish(
                new ComposeMessage(
                    send.MessageId,
                    send.TemplateKey,
                    send.Purpose,
                    send.Channels,
                    new MessageRecipient(appointment.ClinicId, appointment.PatientId, appointment.Phone, appointment.Email, null, appointment.EffectiveTimeZone),
                    "ru",
                    MessageModel.For(appointment, zone),
                    appointment.AppointmentId,
                    send.ExpectedReply,
                    now),
                time);
            send.Status = SendStatuses.Dispatched;
            send.DispatchedAt = now;
            LogDispatched(logger, send.MessageId, send.Kind, send.AppointmentId);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatched {Kind} {MessageId} for appointment {AppointmentId}")]
    private static partial void LogDispatched(ILogger logger, Guid messageId, string kind, string appointmentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Due dispatcher pass failed; retrying on the next pass")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
