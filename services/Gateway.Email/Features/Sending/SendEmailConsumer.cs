using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using Comms.Gateway.Email.Persistence;
using Comms.ServiceDefaults.Contacts;
using MassTransit;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// Sends one email: drop a repeat of the message id → an invalid address fails at once → <see cref="EmailDispatcher"/>
/// (deadline and consent gate before every try). The message row is committed with its first try, before the relay
/// is called (or with the status that stopped it before any try), so a redelivered command — after a crash, a lost
/// ack, a duplicate publish — finds it and is dropped: the consumer never hands one message to the relay twice, and no
/// message is on record as queued without a try the resolver can settle.
/// </summary>
public sealed class SendEmailConsumer(
    EmailDbContext db,
    DeliveryIntake intake,
    EmailDispatcher dispatcher,
    EmailComposer composer,
    DeliveryRecorder recorder,
    TimeProvider time) : IConsumer<SendEmail>
{
    public async Task Consume(ConsumeContext<SendEmail> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await intake.IsRepeatAsync(command, Channels.Email, cancellationToken))
        {
            return;
        }

        var validEmail = ContactNormalizer.TryNormalizeEmail(command.Email, out var email);
        var message = intake.Take(command, Channels.Email, validEmail ? email : Truncate(command.Email));

        if (!validEmail)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, "not a valid email address", StatusCauses.NoContact);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        // Not committed on its own: a queued row with no try would be left for ever by a gateway stopped before the
        // first try (the command coming again is dropped as a repeat, and the resolver looks only at tries).
        recorder.Transition(message, MessageStatuses.Queued);
        await dispatcher.DispatchAsync(message, composer.Compose(command, email, time), cancellationToken);
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 254 ? value : value[..254];

}
