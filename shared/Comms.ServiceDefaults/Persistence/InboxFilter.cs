using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// Makes every MassTransit consumer idempotent: a message id this endpoint already handled is skipped. The inbox
/// row is added to the consumer's DbContext before the consumer runs, so it commits in the consumer's own first
/// <c>SaveChanges</c>, atomically with the state change and the outbox rows it causes.
/// Raw CloudEvents (MIS events) carry no trustworthy transport id; their consumers key the inbox on "source|id".
/// </summary>
public sealed class InboxFilter<T>(ServiceDbContext db, TimeProvider time, OwnInboxMessages ownInbox) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        // A message consumed in batches keeps its inbox record in the batch's own transaction (BatchInbox); one its
        // consumer deduplicates by its own id needs no second check.
        if (context.MessageId is not { } messageId || !IsMassTransitEnvelope(context) || ownInbox.Contains(typeof(T)))
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

/// <summary>
/// The message types whose consumers keep their own record of what they handled, which <see cref="InboxFilter{T}"/>
/// therefore leaves alone: those consumed in batches (<see cref="Batch{T}"/>), recorded a batch at a time by
/// <see cref="BatchInbox"/> in the batch's own transaction, and those whose consumer drops a repeat by the message's own
/// id, committed with its first change (a gateway's intake: the message row). Such a type is treated so on every
/// endpoint of the service.
/// </summary>
public sealed class OwnInboxMessages
{
    private readonly HashSet<Type> _types = [];

    public OwnInboxMessages(IEnumerable<OwnInboxMessageType> types)
    {
        foreach (var type in types)
        {
            _types.Add(type.MessageType);
            if (type.Batched)
            {
                _types.Add(typeof(Batch<>).MakeGenericType(type.MessageType));
            }
        }
    }

    public bool Contains(Type messageType) => _types.Contains(messageType);
}

/// <summary>One message type whose consumer keeps its own inbox (see <see cref="BatchInbox.AddBatchedMessage{T}"/>, <see cref="BatchInbox.AddMessageDeduplicatedByConsumer{T}"/>).</summary>
public sealed record OwnInboxMessageType(Type MessageType, bool Batched);

public static class BatchInbox
{
    /// <summary>Marks <typeparamref name="T"/> as consumed in batches: its consumer keeps the inbox with <see cref="TryBeginBatchAsync{T}"/>.</summary>
    public static IServiceCollection AddBatchedMessage<T>(this IServiceCollection services)
        where T : class =>
        services.AddSingleton(new OwnInboxMessageType(typeof(T), Batched: true));

    /// <summary>
    /// Marks <typeparamref name="T"/> as deduplicated by its consumer: a repeat is found by the message's own id in a row
    /// the consumer commits with its first change, so the inbox's lookup and record would be a second check of the same.
    /// </summary>
    /// <param name="batched">Its consumer takes <see cref="Batch{T}"/>: the batch is not recorded either.</param>
    public static IServiceCollection AddMessageDeduplicatedByConsumer<T>(this IServiceCollection services, bool batched = false)
        where T : class =>
        services.AddSingleton(new OwnInboxMessageType(typeof(T), Batched: batched));

    /// <summary>
    /// The messages of a batch not handled before by this endpoint — one query for the whole batch — with their inbox
    /// records added to <paramref name="db"/>, to commit in the same SaveChanges as the work they cause. A message twice
    /// in one batch (a redelivery beside its first copy) is taken once.
    /// </summary>
    public static Task<IReadOnlyList<ConsumeContext<T>>> TryBeginBatchAsync<T>(
        this ServiceDbContext db, ConsumeContext<Batch<T>> batch, TimeProvider time)
        where T : class =>
        db.TryBeginBatchAsync([.. batch.Message], time, batch.CancellationToken);

    /// <summary>The same for some messages of a batch (all of one endpoint), as <see cref="Messaging.BatchIsolation"/> hands them.</summary>
    public static async Task<IReadOnlyList<ConsumeContext<T>>> TryBeginBatchAsync<T>(
        this ServiceDbContext db, IReadOnlyList<ConsumeContext<T>> messages, TimeProvider time, CancellationToken cancellationToken)
        where T : class
    {
        if (messages.Count == 0)
        {
            return [];
        }

        var receiver = Inbox.ReceiverOf(messages[0]);
        var keyed = new Dictionary<string, ConsumeContext<T>>(StringComparer.Ordinal);
        var unkeyed = new List<ConsumeContext<T>>();
        foreach (var message in messages)
        {
            if (message.MessageId is { } id)
            {
                keyed.TryAdd(id.ToString(), message);
            }
            else
            {
                unkeyed.Add(message);
            }
        }

        var fresh = await db.TryBeginKeysAsync(keyed.Keys, receiver, time, cancellationToken);
        return [.. keyed.Where(k => fresh.Contains(k.Key)).Select(k => k.Value), .. unkeyed];
    }

    /// <summary>
    /// The keys (message ids, or a CloudEvent's "source|id") not handled before by <paramref name="receiver"/> — one query
    /// for all — with their inbox records added to <paramref name="db"/>, to commit with the work they cause. A key given
    /// twice is taken once.
    /// </summary>
    public static async Task<HashSet<string>> TryBeginKeysAsync(
        this ServiceDbContext db, IEnumerable<string> keys, string receiver, TimeProvider time, CancellationToken cancellationToken)
    {
        var fresh = keys.ToHashSet(StringComparer.Ordinal);
        if (fresh.Count == 0)
        {
            return fresh;
        }

        var asked = fresh.ToArray();
        var handled = await db.InboxMessages.AsNoTracking()
            .Where(x => x.Receiver == receiver && asked.Contains(x.MessageKey))
            .Select(x => x.MessageKey)
            .ToListAsync(cancellationToken);
        fresh.ExceptWith(handled);

        var now = time.GetUtcNow();
        foreach (var key in fresh)
        {
            db.InboxMessages.Add(new InboxMessage { MessageKey = key, Receiver = receiver, ProcessedAt = now });
        }

        return fresh;
    }
}
