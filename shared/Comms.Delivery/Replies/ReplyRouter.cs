using Comms.Contracts.Delivery;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Replies;

/// <summary>
/// Turns an inbound text into <see cref="PatientReplied"/>, resolved against the latest message to that contact
/// that asked for an answer (a confirmation or a rating) within <see cref="AnswerWindow"/>.
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
        var reply = new PatientReplied(
            Guid.CreateVersion7(), channel, contact, text, question?.MessageId, question?.ExpectedReply, question?.ClinicId,
            question?.PatientId, question?.AppointmentId, receivedAt);
        db.Publish(reply, time);
        return reply;
    }
}
