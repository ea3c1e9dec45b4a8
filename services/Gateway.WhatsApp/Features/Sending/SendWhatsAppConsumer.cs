using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Contracts.Templating;
using Comms.Delivery.Messages;
using Comms.Gateway.WhatsApp.Features.Windows;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.ServiceDefaults.Contacts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>
/// Sends one WhatsApp message: drop a repeat of the message id → choose the form by the patient's 24-hour window →
/// <see cref="WhatsAppDispatcher"/> (consent gate before every call, an attempt on record before every call). The
/// message row is committed with the first attempt, so a redelivered command finds it and is dropped.
/// </summary>
public sealed class SendWhatsAppConsumer(
    WhatsAppDbContext db,
    DeliveryIntake intake,
    WhatsAppDispatcher dispatcher,
    ConversationWindows windows,
    DeliveryRecorder recorder,
    IOptions<WhatsAppOptions> options) : IConsumer<SendWhatsApp>
{
    public async Task Consume(ConsumeContext<SendWhatsApp> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await intake.IsRepeatAsync(command, Channels.WhatsApp, cancellationToken))
        {
            return;
        }

        var validPhone = ContactNormalizer.TryNormalizePhone(command.Phone, out var phone);
        var (phoneNumberId, _) = options.Value.SenderFor(command.ClinicId);
        var message = intake.Take(command, Channels.WhatsApp, validPhone ? phone : command.Phone);
        var details = new WhatsAppMessage
        {
            MessageId = command.MessageId,
            PhoneNumberId = phoneNumberId,
            TemplateName = string.IsNullOrWhiteSpace(command.TemplateName) ? null : command.TemplateName,
            TemplateParameters = [.. command.TemplateParameters],
            Locale = command.Locale,
        };
        db.WhatsAppMessages.Add(details);

        if (!validPhone)
        {
            dispatcher.End(message, details, MessageStatuses.FailedPermanent, "not a valid phone number", StatusCauses.NoContact);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        recorder.Transition(message, MessageStatuses.Queued);
        var windowOpen = await windows.IsOpenAsync(phoneNumberId, phone, cancellationToken);
        var content = WhatsAppDispatcher.ChooseForm(windowOpen, command.Text, command.ExpectedReply, details.TemplateName,
            details.TemplateParameters, details.Locale);
        if (content is null)
        {
            dispatcher.End(message, details, MessageStatuses.FailedTemporary, WhatsAppDispatcher.NoTemplateOutsideWindow);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        await dispatcher.SendAsync(message, details, content, cancellationToken);
    }

}
