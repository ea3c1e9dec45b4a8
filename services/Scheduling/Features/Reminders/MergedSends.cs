using Comms.Contracts;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// The sends that went out inside another's message (<c>merged</c>, <see cref="ScheduledSend.MergedInto"/>) ride on its
/// channels: while that message waits for its next channel, theirs waits with it. When it is withdrawn there before it
/// reached the patient — its appointment cancelled, rescheduled or closed, its rules changed, come too late, the
/// question already answered — they would never go: each goes back to <c>pending</c> on its own, on the first of its
/// channels that message had not tried yet, for the due dispatcher to send with every check a send gets.
/// </summary>
public sealed partial class MergedSends(
    SchedulingDbContext db,
    ClinicRulesStore clinicRules,
    IOptionsMonitor<ReminderOptions> options,
    TimeProvider time,
    ILogger<MergedSends> logger)
{
    /// <summary>Call once <paramref name="withdrawn"/>, a pending send, has been marked suppressed or skipped with its reason.</summary>
    public async Task ReleaseAsync(ScheduledSend withdrawn, CancellationToken cancellationToken)
    {
        // Merging happens when the first channel goes: a send still waiting for it carries nobody else's.
        if (withdrawn.ChannelStep == 0)
        {
            return;
        }

        var merged = await db.ScheduledSends
            .Where(s => s.MergedInto == withdrawn.MessageId && s.Status == SendStatuses.Merged)
            .ToListAsync(cancellationToken);
        var tried = withdrawn.Channels.Take(withdrawn.ChannelStep).ToHashSet(StringComparer.Ordinal);
        foreach (var send in merged)
        {
            var appointment = await db.Appointments.FindAsync([send.ClinicId, send.AppointmentId], cancellationToken);
            if (appointment is not { Status: AppointmentStatuses.Booked } ||
                (send.ExpectedReply == ExpectedReplies.Confirmation && appointment.Confirmation is not null) ||
                await SupersededAsync(send, cancellationToken))
            {
                continue; // nothing left to tell: closed, already answered, or a newer plan has its own send of this kind
            }

            // Written, unchanged: an event about that appointment applied at the same moment conflicts with this through
            // the row's concurrency token, and the later of the two is retried and sees what the other left.
            db.Entry(appointment).Property(a => a.UpdatedAt).IsModified = true;
            send.MergedInto = null;
            send.DispatchedAt = null;
            var went = $"the message it went with (appointment {withdrawn.AppointmentId}) was withdrawn before reaching the patient: {withdrawn.StatusReason}";
            var step = send.Channels.FindIndex(c => !tried.Contains(c));
            if (step < 0)
            {
                send.Status = SendStatuses.Skipped;
                send.StatusReason = Truncate($"every channel of it was tried with another message and did not reach the patient; {went}");
                continue;
            }

            var rules = await clinicRules.GetAsync(send.ClinicId, cancellationToken);
            var zone = ReminderPlanner.ResolveZone(appointment.EffectiveTimeZone, options.CurrentValue.DefaultTimeZone);
            send.Status = SendStatuses.Pending;
            send.ChannelStep = step;
            send.DueAt = rules.SendWindow.NextOpen(time.GetUtcNow(), zone);
            send.StatusReason = Truncate($"goes on its own, on {send.Channels[step]}: {went}");
            LogReleased(logger, send.MessageId, withdrawn.MessageId, send.Channels[step]);
        }
    }

    /// <summary>The appointment was planned again since (rescheduled, its rules changed): the newer plan has its own send.</summary>
    private Task<bool> SupersededAsync(ScheduledSend send, CancellationToken cancellationToken) =>
        db.ScheduledSends.AnyAsync(
            s => s.ClinicId == send.ClinicId && s.AppointmentId == send.AppointmentId && s.Kind == send.Kind &&
                 s.HoursBefore == send.HoursBefore && s.CreatedAt > send.CreatedAt,
            cancellationToken);

    private static string Truncate(string text) => text.Length > 500 ? text[..500] : text;

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {MessageId}, merged into {WithdrawnId} which was withdrawn, goes on its own on {Channel}")]
    private static partial void LogReleased(ILogger logger, Guid messageId, Guid withdrawnId, string channel);
}
