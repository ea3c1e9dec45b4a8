using System.Text.Json;
using Comms.Contracts.Audience;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Audience's <c>audience.churn_risk</c> on <c>comms.events</c> (queue <c>scheduling-churn-risk</c>): when the clinic's
/// rules enable <see cref="ReactivationRule"/> for one of the signals, a reactivation message is planned for the patient
/// at the next opening of the send window — on their latest past appointment, whose contacts and zone it uses — unless
/// they have a booked appointment ahead or had one planned within <see cref="ReactivationRule.AtMostEveryDays"/>. At
/// due time it is skipped if they have booked again meanwhile; the consent gate decides as for any message.
/// </summary>
public sealed partial class ReactivationConsumer(
    SchedulingDbContext db,
    ClinicRulesStore rules,
    TimeProvider time,
    IOptionsMonitor<ReminderOptions> options,
    ILogger<ReactivationConsumer> logger) : IConsumer<RawCommsEvent>
{
    public const string QueueName = "scheduling-churn-risk";

    public async Task Consume(ConsumeContext<RawCommsEvent> context)
    {
        using var document = JsonDocument.Parse(context.ReceiveContext.Body.GetBytes());
        var root = document.RootElement;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
            || Text(data, "clinicId") is not { } clinicId || Text(data, "patientId") is not { } patientId)
        {
            throw new MessageRejectedException("audience.churn_risk without data.clinicId and data.patientId");
        }

        var signals = data.TryGetProperty("signals", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Object ? Text(s, "code") : null).OfType<string>().ToList()
            : [];
        var cancellationToken = context.CancellationToken;
        var rule = (await rules.GetAsync(clinicId, cancellationToken)).Reactivation;
        if (!rule.Enabled || !signals.Any(rule.EffectiveSignals.Contains))
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync($"reactivation|{clinicId}|{patientId}", cancellationToken);
        if (!await db.TryBeginAsync($"{Text(root, "source")}|{Text(root, "id")}", context, time))
        {
            return;
        }

        var now = time.GetUtcNow();
        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.ClinicId == clinicId && a.PatientId == patientId)
            .OrderByDescending(a => a.StartsAt)
            .Take(20)
            .ToListAsync(cancellationToken);
        var reason = appointments.FirstOrDefault(a => a.Status == AppointmentStatuses.Booked && a.StartsAt > now) is { } ahead
            ? $"the patient has an appointment ahead: {ahead.AppointmentId} at {ahead.StartsAt:u}"
            : null;
        var latest = appointments.FirstOrDefault(a => a.StartsAt <= now && a.Status != AppointmentStatuses.Booked);
        if (reason is null && latest is null)
        {
            reason = "Scheduling knows no past appointment of the patient (no contacts to reach them by)";
        }

        var since = now - TimeSpan.FromDays(rule.AtMostEveryDays);
        var keys = appointments.Select(a => a.AppointmentId).ToList();
        if (reason is null && await db.ScheduledSends.AnyAsync(
                s => s.ClinicId == clinicId && keys.Contains(s.AppointmentId) && s.Kind == SendKinds.Reactivation && s.CreatedAt > since, cancellationToken))
        {
            reason = $"a reactivation message was planned for the patient within {rule.AtMostEveryDays} days";
        }

        if (reason is not null)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogNotPlanned(logger, clinicId, reason);
            return;
        }

        var zone = ReminderPlanner.ResolveZone(latest!.EffectiveTimeZone, options.CurrentValue.DefaultTimeZone);
        var clinicRules = await rules.GetAsync(clinicId, cancellationToken);
        db.ScheduledSends.Add(new ScheduledSend
        {
            MessageId = Guid.CreateVersion7(),
            ClinicId = clinicId,
            AppointmentId = latest.AppointmentId,
            Kind = SendKinds.Reactivation,
            TemplateKey = rule.TemplateKey,
            Purpose = rule.Purpose,
            Channels = [.. rule.Channels],
            Fallback = AppointmentPlanner.Copy(rule.Fallback),
            DueAt = clinicRules.SendWindow.NextOpen(now, zone),
            Status = SendStatuses.Pending,
            StatusReason = $"Audience: {string.Join(", ", signals)}",
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPlanned(logger, clinicId, latest.AppointmentId);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 200 } text ? text : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reactivation planned for clinic {ClinicId} on appointment {AppointmentId}")]
    private static partial void LogPlanned(ILogger logger, string clinicId, string appointmentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No reactivation for a patient of clinic {ClinicId}: {Reason}")]
    private static partial void LogNotPlanned(ILogger logger, string clinicId, string reason);
}
