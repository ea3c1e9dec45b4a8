using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Attempts;
using Comms.Delivery.Messages;
using Comms.Gateway.WhatsApp.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.WhatsApp.Features.Sending;

/// <summary>
/// Settles the sends of a gateway that stopped during a call to the Cloud API: the message and its attempt were
/// committed as queued (or, for a template resend after 131047, accepted), the answer never came, and a redelivered
/// command or status is dropped as a repeat. An attempt still open after
/// <see cref="WhatsAppResolutionOptions.InFlightGrace"/> ends its message failed-temporary: Meta cannot be asked
/// whether it took a message, so it is never sent again (at most one message, never two). An attempt left open over a
/// pause (a rate limit) or a claimed template resend that never began ends it failed-temporary as surely not sent.
/// The claiming loop, shared by every gateway, is <see cref="OpenAttemptResolver"/>.
/// </summary>
public sealed partial class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<WhatsAppOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : OpenAttemptResolver(scopes, time, logger)
{
    public const string Reason =
        "the gateway stopped during the call to the WhatsApp Cloud API, which cannot be asked whether it took the message; not sent again (at most one message, never two)";

    public const string BetweenTriesReason =
        "the gateway stopped while waiting to try again after a refusal; Meta did not take the message, so nothing was sent";

    public const string TemplateNeverSentReason =
        "Meta could not deliver the message outside the 24-hour window (131047) and the gateway stopped before the template that replaces it went; nothing reached the patient";

    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override async Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<WhatsAppDbContext>();
        var dispatcher = services.GetRequiredService<WhatsAppDispatcher>();
        var attempt = await db.SendAttempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        attempt.ResolveAfter = null;

        // An answer recorded meanwhile, a later attempt, or a final status: nothing left to settle. A message need not be
        // queued: a template resend after Meta failed a free-form one (131047) goes while the message is accepted.
        var superseded = await db.SendAttempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (superseded || MessageStatuses.IsFinal(message.Status) || attempt.Outcome is not (null or AttemptOutcomes.Refused or AttemptOutcomes.Failed))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var details = await db.WhatsAppMessages.SingleAsync(m => m.MessageId == message.MessageId, cancellationToken);
        if (attempt.Outcome == AttemptOutcomes.Failed)
        {
            // Stopped after claiming the template resend and before its attempt: Meta failed the free-form, nothing else went.
            dispatcher.End(message, details, MessageStatuses.FailedTemporary, TemplateNeverSentReason);
            LogTemplateNeverSent(Logger, message.MessageId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (attempt.Outcome == AttemptOutcomes.Refused)
        {
            // Stopped after a refusal (a rate limit's pause, or before the template's attempt): Meta did not take it, so nothing went.
            dispatcher.End(message, details, MessageStatuses.FailedTemporary, BetweenTriesReason);
            LogStoppedBetweenTries(Logger, message.MessageId);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        attempt.Outcome = AttemptOutcomes.Abandoned;
        attempt.FinishedAt = Time.GetUtcNow();
        attempt.Reason = Reason;
        dispatcher.End(message, details, MessageStatuses.FailedTemporary, Reason, StatusCauses.OutcomeUnknown);
        LogAbandoned(Logger, message.MessageId);
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp {MessageId} failed-temporary: the gateway stopped before the template replacing a failed free-form message went")]
    private static partial void LogTemplateNeverSent(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp {MessageId} failed-temporary: the gateway stopped between two attempts; nothing was sent")]
    private static partial void LogStoppedBetweenTries(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WhatsApp {MessageId} failed-temporary: the gateway stopped during the call; not sent again")]
    private static partial void LogAbandoned(ILogger logger, Guid messageId);
}
