using Comms.Contracts;
using Comms.Contracts.Templating;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers;
using Comms.ServiceDefaults.Contacts;
using MassTransit;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// Sends one SMS: drop a repeat of the message id → consent gate (fails closed) → provider call → status.
/// The message is committed as queued before the provider is called, so a redelivered command after a crash never
/// sends twice; the gate is asked again right before every call, and its clearance is the only way to the provider.
/// </summary>
public sealed partial class SendSmsConsumer(
    SmsDbContext db,
    ConsentGate gate,
    OptOuts optOuts,
    DeliveryRecorder recorder,
    ISmsProvider provider,
    TimeProvider time,
    ILogger<SendSmsConsumer> logger) : IConsumer<SendSms>
{
    /// <summary>Tries for a provider that surely did not send (unavailable, rate limit), with these pauses between.</summary>
    private static readonly TimeSpan[] NotSentBackoff = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    public async Task Consume(ConsumeContext<SendSms> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        if (await db.Messages.FindAsync([command.MessageId], cancellationToken) is not null)
        {
            LogRepeat(logger, command.MessageId);
            return;
        }

        var validPhone = ContactNormalizer.TryNormalizePhone(command.Phone, out var phone);
        var message = new OutgoingMessage
        {
            MessageId = command.MessageId,
            Channel = Channels.Sms,
            ClinicId = command.ClinicId,
            PatientId = command.PatientId,
            AppointmentId = command.AppointmentId,
            Contact = validPhone ? phone : command.Phone,
            Purpose = command.Purpose,
            TemplateKey = command.TemplateKey,
            ExpectedReply = command.ExpectedReply,
            Status = "",
            CreatedAt = time.GetUtcNow(),
        };
        db.Messages.Add(message);

        if (!validPhone)
        {
            recorder.Transition(message, MessageStatuses.FailedPermanent, "not a valid phone number");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        recorder.Transition(message, MessageStatuses.Queued);
        var decision = await gate.CheckAsync(phone, Channels.Sms, command.Purpose, cancellationToken);
        if (decision.Clearance is not { } clearance)
        {
            Block(message, decision.Reason!);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        message.Provider = provider.Name;
        message.Attempts = 1;
        await db.SaveChangesAsync(cancellationToken);

        var result = await SendAsync(message, clearance, command.Text, cancellationToken);
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                message.ProviderMessageId = accepted.ProviderMessageId;
                recorder.Transition(message, MessageStatuses.Sent);
                LogSent(logger, command.MessageId, ContactNormalizer.Mask(phone), provider.Name);
                break;
            case SmsSendResult.StopListed stopListed:
                recorder.Transition(message, MessageStatuses.FailedPermanent, stopListed.Reason);
                await optOuts.RecordAsync(Channels.Sms, phone, OptOutWords.RefusedPurposes, "carrier_stop_list", stopListed.Reason,
                    message.ClinicId, message.PatientId, message.MessageId, cancellationToken);
                break;
            case SmsSendResult.Rejected rejected:
                recorder.Transition(message, MessageStatuses.FailedPermanent, rejected.Reason);
                break;
            case SmsSendResult.NotSent notSent:
                recorder.Transition(message, MessageStatuses.FailedPermanent, $"{notSent.Reason} (gave up after {message.Attempts} tries)");
                break;
            case SmsSendResult.Unknown unknown:
                recorder.Transition(message, MessageStatuses.FailedPermanent, unknown.Reason);
                break;
            case Blocked blocked:
                Block(message, blocked.Reason);
                break;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private void Block(OutgoingMessage message, string reason)
    {
        recorder.Transition(message, MessageStatuses.Blocked, reason);
        LogBlocked(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), reason);
    }

    private async Task<SmsSendResult> SendAsync(OutgoingMessage message, ConsentClearance clearance, string text, CancellationToken cancellationToken)
    {
        var result = await CallProviderAsync(clearance, text, cancellationToken);
        foreach (var pause in NotSentBackoff)
        {
            if (result is not SmsSendResult.NotSent)
            {
                break;
            }

            await Task.Delay(pause, time, cancellationToken);
            // The patient may have opted out meanwhile: the gate is asked before every call.
            var decision = await gate.CheckAsync(message.Contact, Channels.Sms, message.Purpose, cancellationToken);
            if (decision.Clearance is not { } fresh)
            {
                return new Blocked(decision.Reason!);
            }

            message.Attempts++;
            result = await CallProviderAsync(fresh, text, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// The message is already committed as queued: an exception escaping here would make the redelivery drop it as a
    /// repeat and leave it queued for ever, so any surprise becomes an unknown outcome with its reason.
    /// </summary>
    private async Task<SmsSendResult> CallProviderAsync(ConsentClearance clearance, string text, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.SendAsync(clearance, text, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogProviderCrashed(logger, ex, provider.Name);
            return new SmsSendResult.Unknown($"{provider.Name} call failed unexpectedly ({ex.GetType().Name}); not resent, to avoid a duplicate SMS");
        }
    }

    /// <summary>The gate refused a retry: the patient opted out or consent was revoked while the provider was down.</summary>
    private sealed record Blocked(string Reason) : SmsSendResult;

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId} to {Phone} sent via {Provider}")]
    private static partial void LogSent(ILogger logger, Guid messageId, string phone, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId} to {Phone} blocked: {Reason}")]
    private static partial void LogBlocked(ILogger logger, Guid messageId, string phone, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Provider {Provider} call failed unexpectedly")]
    private static partial void LogProviderCrashed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId} already handled; repeat dropped")]
    private static partial void LogRepeat(ILogger logger, Guid messageId);
}
