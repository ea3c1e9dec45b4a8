using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using Comms.Gateway.Max.Persistence;
using Comms.ServiceDefaults.Contacts;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>
/// Sends one MAX message: drop a repeat of the message id → find the patient's MAX account (the command's MessengerId,
/// else the account linked for the clinic and patient; none → failed-permanent, cause no-contact) →
/// <see cref="MaxDispatcher"/> (deadline and consent gate before every call, an attempt on record before every call).
/// The message row is committed with the first attempt, so a redelivered command finds it and is dropped.
/// </summary>
public sealed partial class SendMaxConsumer(
    MaxDbContext db,
    MaxDispatcher dispatcher,
    DeliveryRecorder recorder,
    TimeProvider time,
    ILogger<SendMaxConsumer> logger) : IConsumer<SendMax>
{
    public const string NoAccount = "the patient has not linked a MAX account (a MAX bot may only write to users who wrote to it first)";

    public async Task Consume(ConsumeContext<SendMax> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await db.Messages.FindAsync([command.MessageId], cancellationToken) is not null)
        {
            LogRepeat(logger, command.MessageId);
            return;
        }

        string? userId = null;
        if (ContactNormalizer.TryNormalizeMessengerId(command.MessengerId, out var given))
        {
            userId = given;
        }
        else if (!string.IsNullOrWhiteSpace(command.PatientId))
        {
            userId = await db.Links.AsNoTracking()
                .Where(l => l.ClinicId == command.ClinicId && l.PatientId == command.PatientId)
                .Select(l => l.UserId).FirstOrDefaultAsync(cancellationToken);
        }

        var message = new OutgoingMessage
        {
            MessageId = command.MessageId,
            Channel = Channels.Max,
            ClinicId = command.ClinicId,
            PatientId = command.PatientId,
            AppointmentId = command.AppointmentId,
            Contact = userId ?? "",
            Purpose = command.Purpose,
            TemplateKey = command.TemplateKey,
            ExpectedReply = command.ExpectedReply,
            NotAfter = command.NotAfter?.ToUniversalTime(),
            Status = "",
            CreatedAt = time.GetUtcNow(),
        };
        db.Messages.Add(message);

        if (userId is null)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, NoAccount, StatusCauses.NoContact);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        recorder.Transition(message, MessageStatuses.Queued);
        await dispatcher.SendAsync(message, MaxDispatcher.ContentFor(command.Text, command.ExpectedReply), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MAX {MessageId} already handled; repeat dropped")]
    private static partial void LogRepeat(ILogger logger, Guid messageId);
}
