using Comms.Contracts;
using Comms.Inbox.Persistence;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// Files what the patient wrote and what Comms sent under the patient's conversation with the clinic. Each change of a
/// conversation holds its lock (one writer at a time, so two messages at once both land) and tells the open pages.
/// </summary>
public sealed class ConversationBook(InboxDbContext db, TimeProvider time)
{
    /// <summary>The patient's conversation with the clinic, locked for this transaction; made on their first message.</summary>
    public async Task<Conversation> ConversationAsync(string clinicId, string patientId, CancellationToken cancellationToken)
    {
        await db.LockSubjectAsync($"conversation:{clinicId}:{patientId}", cancellationToken);
        var conversation = await db.Conversations.FirstOrDefaultAsync(c => c.ClinicId == clinicId && c.PatientId == patientId, cancellationToken);
        if (conversation is null)
        {
            var now = time.GetUtcNow();
            conversation = new Conversation { Id = Guid.CreateVersion7(now), ClinicId = clinicId, PatientId = patientId, LastMessageAt = now, UpdatedAt = now };
            db.Conversations.Add(conversation);
        }

        return conversation;
    }

    /// <summary>A message to the patient, as Templating rendered it (or its status, whichever comes first).</summary>
    public async Task SentAsync(Guid messageId, string clinicId, string? patientId, string? appointmentId, string channel, string text, string templateKey,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (patientId is null)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await ConversationAsync(clinicId, patientId, cancellationToken);
        var entry = await db.Entries.FindAsync([messageId], cancellationToken);
        if (entry is null)
        {
            entry = new ThreadEntry { Id = messageId, ConversationId = conversation.Id, ClinicId = clinicId, Direction = Directions.Out, Status = MessageStatuses.Queued };
            db.Entries.Add(entry);
        }

        entry.Channel = channel;
        entry.Text = text;
        entry.Kind ??= templateKey;
        entry.AppointmentId ??= appointmentId;
        entry.At = entry.At == default ? at.ToUniversalTime() : entry.At;
        if (conversation.LastMessageAt < entry.At)
        {
            conversation.LastMessageAt = entry.At;
        }

        conversation.UpdatedAt = time.GetUtcNow();
        await SaveAndTellAsync(conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task StatusAsync(Guid messageId, string clinicId, string? patientId, string channel, string status, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (patientId is null)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var conversation = await ConversationAsync(clinicId, patientId, cancellationToken);
        var entry = await db.Entries.FindAsync([messageId], cancellationToken);
        if (entry is null)
        {
            entry = new ThreadEntry { Id = messageId, ConversationId = conversation.Id, ClinicId = clinicId, Direction = Directions.Out, Channel = channel, At = at.ToUniversalTime() };
            db.Entries.Add(entry);
        }

        if (entry.Status is null || MessageStatuses.Rank(status) > MessageStatuses.Rank(entry.Status))
        {
            entry.Status = status;
            entry.StatusReason = reason is { Length: > 500 } ? reason[..500] : reason;
        }

        conversation.UpdatedAt = time.GetUtcNow();
        await SaveAndTellAsync(conversation, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Saves, and tells the open pages of the clinic on commit (ids only).</summary>
    public async Task SaveAndTellAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({LiveFeed.Channel}, {conversation.ClinicId + "|" + conversation.Id})", cancellationToken);
    }
}
