using Comms.Consent.Persistence;
using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Evidence;

/// <summary>
/// Keeps every status of every message the gateways handled, so an evidence export shows what was sent under a
/// consent. A status seen before (same message, status and time) is not stored twice.
/// Statuses come in batches (<see cref="MessageStatusChangedConsumerDefinition"/>): one query for the batch's repeats,
/// one for the statuses already logged, and one commit for all of it with the batch's inbox records — every message of
/// every send passes here, and one transaction each cost a quarter of a core at 46 reminders a second
/// (docs/performance.md, "End to end"). One status that fails does not fail the others (<see cref="BatchIsolation"/>).
/// </summary>
public sealed class MessageStatusChangedConsumer(ConsentDbContext db, BatchIsolation isolation, TimeProvider time) : IConsumer<Batch<MessageStatusChanged>>
{
    public Task Consume(ConsumeContext<Batch<MessageStatusChanged>> context) =>
        isolation.RunAsync(context, db, messages => LogAsync(messages, context.CancellationToken));

    private async Task LogAsync(IReadOnlyList<ConsumeContext<MessageStatusChanged>> messages, CancellationToken cancellationToken)
    {
        var fresh = await db.TryBeginBatchAsync(messages, time, cancellationToken);
        var changes = fresh.Select(m => m.Message).ToList();
        var ids = changes.Select(c => c.MessageId).Distinct().ToArray();
        var logged = (await db.MessageLog.AsNoTracking()
                .Where(m => ids.Contains(m.MessageId))
                .Select(m => new { m.MessageId, m.Status, m.OccurredAt })
                .ToListAsync(cancellationToken))
            .Select(m => (m.MessageId, m.Status, m.OccurredAt))
            .ToHashSet();

        var now = time.GetUtcNow();
        foreach (var change in changes)
        {
            var occurredAt = Stored(change.OccurredAt);
            if (!logged.Add((change.MessageId, Truncate(change.Status, 20)!, occurredAt)))
            {
                continue;
            }

            db.MessageLog.Add(new MessageLogEntry
            {
                // Every field cut to its column: one odd change must not fail the batch it came with.
                MessageId = change.MessageId,
                ClinicId = Truncate(change.ClinicId, 200)!,
                PatientId = Truncate(change.PatientId, 200),
                AppointmentId = Truncate(change.AppointmentId, 200),
                Contact = string.IsNullOrWhiteSpace(change.Contact) ? null : Truncate(change.Contact.Trim(), 254),
                Channel = Truncate(change.Channel, 20)!,
                Status = Truncate(change.Status, 20)!,
                Reason = Truncate(change.Reason, 1000),
                Cause = Truncate(change.Cause, 40),
                Provider = Truncate(change.Provider, 100),
                OccurredAt = occurredAt,
                RecordedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>As PostgreSQL keeps it (UTC, microseconds), so a repeat compares equal to the row it repeats.</summary>
    private static DateTimeOffset Stored(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % 10));
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}

/// <summary>Up to 100 statuses a batch, gathered for at most 50 ms.</summary>
public sealed class MessageStatusChangedConsumerDefinition() : BatchConsumerDefinition<MessageStatusChangedConsumer>(100, TimeSpan.FromMilliseconds(50));
