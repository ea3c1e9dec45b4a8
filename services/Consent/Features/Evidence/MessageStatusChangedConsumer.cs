using Comms.Consent.Persistence;
using Comms.Contracts.Delivery;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Evidence;

/// <summary>
/// Keeps every status of every message the gateways handled, so an evidence export shows what was sent under a
/// consent. A status seen before (same message, status and time) is not stored twice.
/// </summary>
public sealed class MessageStatusChangedConsumer(ConsentDbContext db, TimeProvider time) : IConsumer<MessageStatusChanged>
{
    public async Task Consume(ConsumeContext<MessageStatusChanged> context)
    {
        var change = context.Message;
        var occurredAt = change.OccurredAt.ToUniversalTime();
        if (await db.MessageLog.AnyAsync(
                m => m.MessageId == change.MessageId && m.Status == change.Status && m.OccurredAt == occurredAt, context.CancellationToken))
        {
            return;
        }

        db.MessageLog.Add(new MessageLogEntry
        {
            MessageId = change.MessageId,
            ClinicId = change.ClinicId,
            PatientId = change.PatientId,
            AppointmentId = change.AppointmentId,
            Contact = string.IsNullOrWhiteSpace(change.Contact) ? null : change.Contact.Trim(),
            Channel = change.Channel,
            Status = change.Status,
            Reason = Truncate(change.Reason, 1000),
            Cause = Truncate(change.Cause, 40),
            Provider = Truncate(change.Provider, 100),
            OccurredAt = occurredAt,
            RecordedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(context.CancellationToken);
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
