using Comms.Contracts.Delivery;
using Comms.Scheduling.Persistence;
using MassTransit;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>Keeps each planned send's delivery status, so one appointment's page tells its whole story.</summary>
public sealed class MessageStatusChangedConsumer(SchedulingDbContext db) : IConsumer<MessageStatusChanged>
{
    public async Task Consume(ConsumeContext<MessageStatusChanged> context)
    {
        var change = context.Message;
        var send = await db.ScheduledSends.FindAsync([change.MessageId], context.CancellationToken);
        if (send is null || (send.DeliveryUpdatedAt is { } seen && seen > change.OccurredAt))
        {
            return;
        }

        send.DeliveryStatus = change.Status;
        send.DeliveryReason = change.Reason;
        send.DeliveryUpdatedAt = change.OccurredAt;
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
