using Comms.Contracts.Templating;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Comms.Delivery.Messages;

/// <summary>
/// The first step of every gateway's send: a repeat of a message id already on record is dropped (after a crash, a
/// lost ack, a duplicate publish), and a new message is tracked with what every channel records of it. Nothing is
/// committed here: the message row goes in with its first attempt, or with the status that stops it first, so no
/// message is ever on record as queued without an attempt the resolver can settle.
/// </summary>
public sealed partial class DeliveryIntake(GatewayDbContext db, TimeProvider time, ILogger<DeliveryIntake> logger)
{
    /// <summary>True when the message is on record already: the command is done with.</summary>
    public async Task<bool> IsRepeatAsync(IDeliveryCommand command, string channel, CancellationToken cancellationToken)
    {
        if (await db.Messages.FindAsync([command.MessageId], cancellationToken) is null)
        {
            return false;
        }

        LogRepeat(logger, channel, command.MessageId);
        return true;
    }

    /// <summary>Which of these message ids are on record already, with one query (a batch's): their commands are done with.</summary>
    public async Task<HashSet<Guid>> OnRecordAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken) =>
        [.. await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.MessageId)).Select(m => m.MessageId).ToListAsync(cancellationToken)];

    /// <summary>Logs a command dropped as a repeat (found by <see cref="OnRecordAsync"/>, or twice in one batch).</summary>
    public void DropRepeat(string channel, Guid messageId) => LogRepeat(logger, channel, messageId);

    /// <summary>The new message, tracked, with no status yet; <paramref name="contact"/> as the channel normalised it (or as given, when it is not valid).</summary>
    public OutgoingMessage Take(IDeliveryCommand command, string channel, string contact)
    {
        var message = new OutgoingMessage
        {
            MessageId = command.MessageId,
            Channel = channel,
            ClinicId = command.ClinicId,
            PatientId = command.PatientId,
            AppointmentId = command.AppointmentId,
            Contact = contact,
            Purpose = command.Purpose,
            TemplateKey = command.TemplateKey,
            ExpectedReply = command.ExpectedReply,
            NotAfter = command.NotAfter?.ToUniversalTime(),
            Status = "",
            CreatedAt = time.GetUtcNow(),
        };
        db.Messages.Add(message);
        return message;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Channel} message {MessageId} already handled; repeat dropped")]
    private static partial void LogRepeat(ILogger logger, string channel, Guid messageId);
}
