using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// Makes every MassTransit consumer idempotent: a message id this endpoint already handled is skipped. The inbox
/// row is added to the consumer's DbContext before the consumer runs, so it commits in the consumer's own first
/// <c>SaveChanges</c>, atomically with the state change and the outbox rows it causes.
/// Raw CloudEvents (MIS events) carry no trustworthy transport id; their consumers key the inbox on "source|id".
/// </summary>
public sealed class InboxFilter<T>(ServiceDbContext db, TimeProvider time) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (context.MessageId is not { } messageId || !IsMassTransitEnvelope(context))
        {
            await next.Send(context);
            return;
        }

        if (!await db.TryBeginAsync(messageId.ToString(), Inbox.ReceiverOf(context), time, context.CancellationToken))
        {
            // Handled before: this copy is done with, not "skipped" (which would move it to the _skipped queue, where
            // every redelivery would pile up for ever).
            await context.NotifyConsumed(context, TimeSpan.Zero, "inbox");
            return;
        }

        try
        {
            await next.Send(context);
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch
        {
            // A retry starts from a clean slate, not from this attempt's half-tracked changes.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");

    private static bool IsMassTransitEnvelope(ConsumeContext context) =>
        context.ReceiveContext.ContentType?.MediaType?.Contains("masstransit", StringComparison.OrdinalIgnoreCase) == true;
}

public static class Inbox
{
    /// <summary>The queue name a message arrived on: each consumer endpoint keeps its own inbox records.</summary>
    public static string ReceiverOf(ConsumeContext context) =>
        context.ReceiveContext.InputAddress.Segments[^1].Trim('/');

    /// <summary>
    /// Records a domain key (such as a CloudEvent's "source|id") as handled by this endpoint, in the same
    /// SaveChanges as the work it guards. Returns false when it was handled before.
    /// </summary>
    public static Task<bool> TryBeginAsync(this ServiceDbContext db, string key, ConsumeContext context, TimeProvider time) =>
        db.TryBeginAsync(key, ReceiverOf(context), time, context.CancellationToken);

    /// <summary>
    /// The same for work that does not come from a queue (a provider's webhook, a link a patient follows):
    /// <paramref name="receiver"/> names the door it came through. A key added earlier in this unit of work counts too.
    /// </summary>
    public static async Task<bool> TryBeginAsync(this ServiceDbContext db, string key, string receiver, TimeProvider time, CancellationToken cancellationToken)
    {
        if (db.InboxMessages.Local.Any(x => x.MessageKey == key && x.Receiver == receiver) ||
            await db.InboxMessages.AsNoTracking().AnyAsync(x => x.MessageKey == key && x.Receiver == receiver, cancellationToken))
        {
            return false;
        }

        db.InboxMessages.Add(new InboxMessage { MessageKey = key, Receiver = receiver, ProcessedAt = time.GetUtcNow() });
        return true;
    }
}
