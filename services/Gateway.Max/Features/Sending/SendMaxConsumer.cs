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
public sealed class SendMaxConsumer(
    MaxDbContext db,
    DeliveryIntake intake,
    MaxDispatcher dispatcher,
    DeliveryRecorder recorder) : IConsumer<SendMax>
{
    public const string NoAccount = "the patient has not linked a MAX account (a MAX bot may only write to users who wrote to it first)";

    public async Task Consume(ConsumeContext<SendMax> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await intake.IsRepeatAsync(command, Channels.Max, cancellationToken))
        {
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

        var message = intake.Take(command, Channels.Max, userId ?? "");

        if (userId is null)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, NoAccount, StatusCauses.NoContact);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        recorder.Transition(message, MessageStatuses.Queued);
        await dispatcher.SendAsync(message, MaxDispatcher.ContentFor(command.Text, command.ExpectedReply), cancellationToken);
    }

}
