using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Contacts;
using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Contacts;
using MassTransit;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// Sends one SMS: drop a repeat of the message id → a number flagged invalid fails at once → <see cref="SmsDispatcher"/>
/// (consent gate before every call, accounts in order of health, an attempt on record before every call).
/// The message row is committed with the first attempt, so a redelivered command — after a crash, a lost ack, a
/// duplicate publish — finds it and is dropped: the provider is never called twice for one message by the consumer.
/// </summary>
public sealed class SendSmsConsumer(
    SmsDbContext db,
    DeliveryIntake intake,
    SmsDispatcher dispatcher,
    FlaggedContacts flags,
    DeliveryRecorder recorder) : IConsumer<SendSms>
{
    public async Task Consume(ConsumeContext<SendSms> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await intake.IsRepeatAsync(command, Channels.Sms, cancellationToken))
        {
            return;
        }

        var validPhone = ContactNormalizer.TryNormalizePhone(command.Phone, out var phone);
        var message = intake.Take(command, Channels.Sms, validPhone ? phone : command.Phone);

        if (!validPhone)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, "not a valid phone number", StatusCauses.NoContact);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        recorder.Transition(message, MessageStatuses.Queued);
        if (await flags.FindAsync(phone, cancellationToken) is { } flag)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent,
                $"the number was reported invalid by {flag.Account} on {flag.FlaggedAt:u} ({flag.Reason}); not sent until the flag is cleared");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        await dispatcher.DispatchAsync(message, command.Text, cancellationToken);
    }

}
