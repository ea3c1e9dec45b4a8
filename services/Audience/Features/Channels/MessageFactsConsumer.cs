using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.ServiceDefaults.Persistence;
using MassTransit;

namespace Comms.Audience.Features.Channels;

/// <summary>
/// What Comms sends, for the channels' effect: <see cref="ComposeMessage"/> (what a message is: template, purpose,
/// channel, what it asks, when it was sent on its way — its recipient's contacts are not kept),
/// <see cref="MessageStatusChanged"/> (how far it got, what it cost) and <see cref="PatientReplied"/> (when the
/// patient answered it — the words are not kept). Each message's facts are changed one event at a time, in any order.
/// </summary>
public sealed class MessageFactsConsumer(AudienceDbContext db, TimeProvider time)
    : IConsumer<ComposeMessage>, IConsumer<MessageStatusChanged>, IConsumer<PatientReplied>
{
    public Task Consume(ConsumeContext<ComposeMessage> context) => ApplyAsync(context.Message.MessageId, fact =>
    {
        var m = context.Message;
        fact.ClinicId ??= m.Recipient.ClinicId;
        fact.PatientId ??= m.Recipient.PatientId;
        fact.AppointmentId ??= m.AppointmentId;
        fact.TemplateKey = m.TemplateKey;
        fact.Purpose = m.Purpose;
        fact.Channel ??= m.Channels.Count > 0 ? m.Channels[0] : null;
        fact.ExpectedReply = m.ExpectedReply;
        fact.RequestedAt = m.RequestedAt.ToUniversalTime();
    }, context.CancellationToken);

    public Task Consume(ConsumeContext<MessageStatusChanged> context) => ApplyAsync(context.Message.MessageId, fact =>
    {
        var m = context.Message;
        fact.ClinicId ??= m.ClinicId;
        fact.PatientId ??= m.PatientId;
        fact.AppointmentId ??= m.AppointmentId;
        fact.Channel = m.Channel;
        if (fact.Status is null || MessageStatuses.Rank(m.Status) > MessageStatuses.Rank(fact.Status))
        {
            fact.Status = m.Status;
        }

        if (m.Status is MessageStatuses.Sent or MessageStatuses.Delivered)
        {
            fact.SentAt = Earliest(fact.SentAt, m.OccurredAt);
        }

        if (m.Status == MessageStatuses.Delivered)
        {
            fact.DeliveredAt = Earliest(fact.DeliveredAt, m.OccurredAt);
        }

        if (m.Cost is { } cost)
        {
            fact.Cost = cost;
            fact.Currency = m.Currency;
        }
    }, context.CancellationToken);

    public Task Consume(ConsumeContext<PatientReplied> context) =>
        context.Message.InReplyToMessageId is { } messageId
            ? ApplyAsync(messageId, fact => fact.RepliedAt = Earliest(fact.RepliedAt, context.Message.ReceivedAt), context.CancellationToken)
            : Task.CompletedTask;

    private async Task ApplyAsync(Guid messageId, Action<MessageFact> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync($"message:{messageId}", cancellationToken);
        var fact = await db.Messages.FindAsync([messageId], cancellationToken);
        if (fact is null)
        {
            fact = new MessageFact { MessageId = messageId };
            db.Messages.Add(fact);
        }

        change(fact);
        fact.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? known, DateTimeOffset at) =>
        known is { } k && k <= at ? k : at.ToUniversalTime();
}
