using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Replies;

/// <summary>
/// Turns an inbound text into <see cref="PatientReplied"/>, resolved against the latest message to that contact
/// that asked for an answer (a confirmation, a rating, a slot offer) within <see cref="AnswerWindow"/>; failing that, the
/// latest message to the contact names the clinic and patient, and the reply answers nothing (<c>ExpectedReply</c> null).
/// </summary>
public sealed class ReplyRouter(GatewayDbContext db, TimeProvider time)
{
    public static readonly TimeSpan AnswerWindow = TimeSpan.FromDays(7);

    public async Task<PatientReplied> RecordAsync(string channel, string contact, string text, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - AnswerWindow;
        var question = await db.Messages.AsNoTracking()
            .Where(m => m.Contact == contact && m.Channel == channel && m.ExpectedReply != null && m.CreatedAt >= since)
            .OrderByDescending(m => m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        // No question outstanding: the words answer the latest message to the contact (a reminder, a campaign's), so the
        // clinic and the patient are known (the reception's inbox files it under them); it answers nothing.
        var latest = question ?? await db.Messages.AsNoTracking()
            .Where(m => m.Contact == contact && m.Channel == channel && m.CreatedAt >= since)
            .OrderByDescending(m => m.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var reply = new PatientReplied(
            Guid.CreateVersion7(), channel, contact, text, latest?.MessageId, question?.ExpectedReply, latest?.ClinicId,
            latest?.PatientId, latest?.AppointmentId, receivedAt);
        db.Publish(reply, time);
        return reply;
    }
}
