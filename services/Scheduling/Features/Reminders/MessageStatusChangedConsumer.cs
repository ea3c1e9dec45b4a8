using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Keeps each planned send's delivery status, so one appointment's page tells its whole story, and moves a send on to
/// its next channel when the channel it tried surely did not reach the patient (<see cref="ChannelFallback"/>).
/// <list type="bullet">
/// <item>Status changes of one message can arrive together and out of order ("queued" and "blocked" from the same
/// instant): the newer change wins, a final status is not replaced by a non-final one of the same moment, and status,
/// reason and cause always come from the same change.</item>
/// <item>The send row is locked while a change is applied, so two changes of one send never both move it on; a change
/// of a channel already left behind (a late receipt) is recorded on its attempt and moves nothing.</item>
/// <item>The next channel is not sent from here: the send becomes pending again (inside the send window) and the due
/// dispatcher sends it with every check a send gets (the appointment still booked, not too late), through the outbox.</item>
/// </list>
/// </summary>
/// Changes come in batches (<see cref="MessageStatusChangedConsumerDefinition"/>), one transaction each: the sends of the
/// whole batch are locked at once (in key order, so two batches never wait on each other in a circle), their attempts
/// read after the lock, and each change applied in the order it arrived against what the changes before it left. One
/// change that fails does not fail the others (<see cref="BatchIsolation"/>).
/// </summary>
public sealed partial class MessageStatusChangedConsumer(
    SchedulingDbContext db,
    ClinicRulesStore rules,
    IOptionsMonitor<ReminderOptions> options,
    TimeProvider time,
    BatchIsolation isolation,
    ILogger<MessageStatusChangedConsumer> logger) : IConsumer<Batch<MessageStatusChanged>>
{
    public Task Consume(ConsumeContext<Batch<MessageStatusChanged>> context) =>
        isolation.RunAsync(context, db, messages => ApplyAsync(messages, context.CancellationToken));

    private async Task ApplyAsync(IReadOnlyList<ConsumeContext<MessageStatusChanged>> messages, CancellationToken cancellationToken)
    {
        db.Database.AutoSavepointsEnabled = false; // retried whole when it fails (see MisEventConsumer)
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changes = (await db.TryBeginBatchAsync(messages, time, cancellationToken)).Select(m => m.Message).ToList();
        var messageIds = changes.Select(c => c.MessageId).Distinct().ToArray();
        var sendOf = await db.ChannelAttempts.AsNoTracking()
            .Where(a => messageIds.Contains(a.MessageId))
            .ToDictionaryAsync(a => a.MessageId, a => a.SendMessageId, cancellationToken);
        Guid SendOf(Guid messageId) => sendOf.TryGetValue(messageId, out var send) ? send : messageId;

        // The sends are locked first and their attempts read after: both as the last change of each send left them.
        var sendIds = messageIds.Select(SendOf).Distinct().Order().ToArray();
        var sends = await db.ScheduledSends
            .FromSql($"""SELECT * FROM scheduled_sends WHERE "MessageId" = ANY({sendIds}) ORDER BY "MessageId" FOR UPDATE""")
            .ToDictionaryAsync(s => s.MessageId, cancellationToken);
        var attempts = sends.Count == 0
            ? []
            : await db.ChannelAttempts.Where(a => messageIds.Contains(a.MessageId)).ToDictionaryAsync(a => a.MessageId, cancellationToken);

        foreach (var change in changes)
        {
            // Not a send planned here (another service's message): nothing to record. A status no gateway sends is
            // left out rather than failing the batch it came with.
            if (!MessageStatuses.All.Contains(change.Status))
            {
                LogUnknownStatus(logger, change.MessageId, change.Status.Length > 40 ? change.Status[..40] : change.Status);
            }
            else if (sends.TryGetValue(SendOf(change.MessageId), out var send))
            {
                await ApplyAsync(change, send, attempts.GetValueOrDefault(change.MessageId), cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task ApplyAsync(MessageStatusChanged change, ScheduledSend send, ChannelAttempt? attempt, CancellationToken cancellationToken)
    {
        // PostgreSQL keeps microseconds: compare what it will store, or a same-moment change would look newer.
        var at = change.OccurredAt.ToUniversalTime();
        at = at.AddTicks(-(at.Ticks % 10));
        var final = MessageStatuses.IsFinal(change.Status);

        if (attempt is not null && IsNewer(attempt.DeliveryUpdatedAt, attempt.DeliveryStatus, at, final))
        {
            attempt.DeliveryStatus = change.Status;
            attempt.DeliveryReason = Truncate(change.Reason);
            attempt.Cause = change.Cause is { Length: > 40 } cause ? cause[..40] : change.Cause;
            attempt.DeliveryUpdatedAt = at;
        }

        // Sends dispatched before channel attempts were recorded have none: their own id is their only channel.
        var current = attempt is null || attempt.Step == send.ChannelStep;
        if (current && IsNewer(send.DeliveryUpdatedAt, send.DeliveryStatus, at, final))
        {
            send.DeliveryStatus = change.Status;
            send.DeliveryReason = Truncate(change.Reason);
            send.DeliveryUpdatedAt = at;
        }

        if (attempt is not null && current && send.Status == SendStatuses.Dispatched && send.ChannelStep + 1 < send.Channels.Count &&
            send.Fallback.MovesOn(change.Status, change.Cause))
        {
            await MoveOnAsync(send, attempt, change, cancellationToken);
        }
    }

    /// <summary>The send goes pending again on its next channel, due now or when the send window next opens.</summary>
    private async Task MoveOnAsync(ScheduledSend send, ChannelAttempt attempt, MessageStatusChanged change, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clinicRules = await rules.GetAsync(send.ClinicId, cancellationToken);
        var appointment = await db.Appointments.FindAsync([send.ClinicId, send.AppointmentId], cancellationToken);
        var zone = ReminderPlanner.ResolveZone(appointment?.EffectiveTimeZone, options.CurrentValue.DefaultTimeZone);
        send.ChannelStep++;
        send.Status = SendStatuses.Pending;
        send.DueAt = clinicRules.SendWindow.NextOpen(now, zone);
        send.StatusReason = Truncate(
            $"trying {send.Channels[send.ChannelStep]}: {attempt.Channel} ended {change.Status}{(change.Reason is null ? "" : $" ({change.Reason})")}");
        LogMovedOn(logger, send.MessageId, attempt.Channel, change.Status, send.Channels[send.ChannelStep]);
    }

    private static bool IsNewer(DateTimeOffset? updatedAt, string? status, DateTimeOffset at, bool final) =>
        updatedAt is null || updatedAt < at || (updatedAt == at && (final || status is null || !MessageStatuses.IsFinal(status)));

    private static string? Truncate(string? text) => text is { Length: > 500 } ? text[..500] : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status change of {MessageId} names a status no gateway sends ({Status}); left out")]
    private static partial void LogUnknownStatus(ILogger logger, Guid messageId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {MessageId}: {Channel} ended {Status}; trying {Next}")]
    private static partial void LogMovedOn(ILogger logger, Guid messageId, string channel, string status, string next);
}

/// <summary>Up to 100 changes a batch, gathered for at most 20 ms.</summary>
public sealed class MessageStatusChangedConsumerDefinition() : BatchConsumerDefinition<MessageStatusChangedConsumer>(100, TimeSpan.FromMilliseconds(20));
