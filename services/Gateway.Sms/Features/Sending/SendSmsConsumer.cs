using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Contacts;
using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Messaging;
using MassTransit;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// Sends SMS in batches (<see cref="SendSmsConsumerDefinition"/>): the repeats of message ids already on record found
/// with one query and dropped, and the flagged numbers with another; each new message normalised (an invalid number
/// fails at once, a flagged one too) and handed to <see cref="SmsDispatcher.DispatchBatchAsync"/> (the consent gate
/// and an attempt on record before every call, all the batch's calls side by side). The message rows are committed
/// with their first attempts, so a redelivered command — after a crash, a lost ack, a duplicate publish — finds its
/// message and is dropped: the provider is never called twice for one message by the consumer. A batch that fails for
/// a reason of its own is taken again one message at a time (<see cref="BatchIsolation"/>).
/// </summary>
public sealed class SendSmsConsumer(
    SmsDbContext db,
    DeliveryIntake intake,
    SmsDispatcher dispatcher,
    FlaggedContacts flagged,
    DeliveryRecorder recorder,
    BatchIsolation isolation) : IConsumer<Batch<SendSms>>
{
    public Task Consume(ConsumeContext<Batch<SendSms>> context) =>
        isolation.RunAsync(context, db, messages => SendAsync([.. messages.Select(m => m.Message)], context.CancellationToken));

    private async Task SendAsync(IReadOnlyList<SendSms> commands, CancellationToken cancellationToken)
    {
        recorder.Reset(); // a batch tried whole and failed is tried again one message at a time, from nothing
        var known = await intake.OnRecordAsync([.. commands.Select(c => c.MessageId).Distinct()], cancellationToken);
        var phones = new Dictionary<SendSms, string?>();
        foreach (var command in commands)
        {
            phones[command] = ContactNormalizer.TryNormalizePhone(command.Phone, out var phone) ? phone : null;
        }

        var flags = await flagged.FindAllAsync([.. phones.Values.OfType<string>().Distinct()], cancellationToken);
        var queued = new List<(OutgoingMessage Message, string Text)>();
        foreach (var command in commands)
        {
            if (!known.Add(command.MessageId))
            {
                intake.DropRepeat(Channels.Sms, command.MessageId);
                continue;
            }

            var phone = phones[command];
            var message = intake.Take(command, Channels.Sms, phone ?? command.Phone);
            if (phone is null)
            {
                recorder.Transition(message, MessageStatuses.FailedPermanent, "not a valid phone number", StatusCauses.NoContact);
                continue;
            }

            recorder.Transition(message, MessageStatuses.Queued);
            if (flags.GetValueOrDefault(phone) is { } flag)
            {
                recorder.Transition(message, MessageStatuses.FailedPermanent,
                    $"the number was reported invalid by {flag.Account} on {flag.FlaggedAt:u} ({flag.Reason}); not sent until the flag is cleared");
                continue;
            }

            queued.Add((message, command.Text));
        }

        await dispatcher.DispatchBatchAsync(queued, cancellationToken);
    }
}
