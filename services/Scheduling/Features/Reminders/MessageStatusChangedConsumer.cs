using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Scheduling.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>
/// Keeps each planned send's delivery status, so one appointment's page tells its whole story. Status changes of one
/// message can arrive together and out of order ("queued" and "blocked" from the same instant), so the change is one
/// conditional UPDATE: the newer change wins, a final status is not replaced by a non-final one of the same moment,
/// and status and reason always come from the same change.
/// </summary>
public sealed class MessageStatusChangedConsumer(SchedulingDbContext db) : IConsumer<MessageStatusChanged>
{
    private static readonly string[] Finals = [.. MessageStatuses.All.Where(MessageStatuses.IsFinal)];

    public async Task Consume(ConsumeContext<MessageStatusChanged> context)
    {
        var change = context.Message;
        var at = change.OccurredAt.ToUniversalTime();
        var final = MessageStatuses.IsFinal(change.Status);
        await db.ScheduledSends
            .Where(s => s.MessageId == change.MessageId &&
                        (s.DeliveryUpdatedAt == null || s.DeliveryUpdatedAt < at ||
                         (s.DeliveryUpdatedAt == at && (final || !Finals.Contains(s.DeliveryStatus!)))))
            .ExecuteUpdateAsync(
                s => s
                    .SetProperty(x => x.DeliveryStatus, change.Status)
                    .SetProperty(x => x.DeliveryReason, change.Reason)
                    .SetProperty(x => x.DeliveryUpdatedAt, at),
                context.CancellationToken);
    }
}
