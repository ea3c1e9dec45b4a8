using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Attempts;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Routing;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// Settles every send whose outcome was left open, so no message stays "queued" for ever and none is sent twice:
/// <list type="bullet">
/// <item><b>Unknown outcome</b> (a timeout after the request left): after <see cref="SmsResolutionOptions.LookUpAfter"/>
/// the provider is asked by our client id or by number and text. Found → accepted under the provider's id (no second
/// SMS). Surely not there → sent again, through the route, past the consent gate again. The lookup itself failing →
/// asked again later, and given up after <see cref="SmsResolutionOptions.GiveUpAfter"/> as failed-temporary.</item>
/// <item><b>A gateway that died mid-call</b> (an attempt still open after <see cref="SmsResolutionOptions.InFlightGrace"/>):
/// the same lookup. A provider that cannot be asked (SMS.ru) → failed-temporary, never a blind resend.</item>
/// <item><b>A gateway that died between two tries</b> (the last attempt surely not sent): the send resumes.</item>
/// </list>
/// Replicas share the work through <see cref="OpenAttemptResolver"/>: a few attempts at a time, <c>FOR UPDATE SKIP LOCKED</c> and a lease.
/// </summary>
public sealed partial class AmbiguousSendResolver(
    IServiceScopeFactory scopes,
    IOptions<SmsOptions> options,
    TimeProvider time,
    ILogger<AmbiguousSendResolver> logger) : OpenAttemptResolver(scopes, time, logger)
{
    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override async Task SettleAsync(IServiceProvider services, long attemptId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<SmsDbContext>();
        var accounts = services.GetRequiredService<SmsAccounts>();
        var dispatcher = services.GetRequiredService<SmsDispatcher>();
        var recorder = services.GetRequiredService<DeliveryRecorder>();
        var attempt = await db.SendAttempts.SingleAsync(a => a.Id == attemptId, cancellationToken);
        var message = await db.Messages.SingleAsync(m => m.MessageId == attempt.MessageId, cancellationToken);
        var text = attempt.PendingText;
        var now = Time.GetUtcNow();

        // A later attempt of the same message, or a final status, has moved on: this one has nothing left to settle.
        var superseded = await db.SendAttempts.AnyAsync(a => a.MessageId == attempt.MessageId && a.Number > attempt.Number, cancellationToken);
        if (superseded || message.Status != MessageStatuses.Queued || text is null)
        {
            Close(attempt);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        if (attempt.Outcome == AttemptOutcomes.NotSent)
        {
            LogResumed(Logger, message.MessageId);
            Close(attempt);
            await db.SaveChangesAsync(cancellationToken);
            await dispatcher.DispatchAsync(message, text, cancellationToken);
            return;
        }

        var inFlight = attempt.Outcome is null;
        if (!accounts.Exists(attempt.Account))
        {
            Abandon(attempt, message, recorder, $"account {attempt.Account} is no longer configured, so whether it took the message cannot be asked");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var provider = accounts.Provider(attempt.Account);
        if (!provider.CanLookUp)
        {
            Abandon(attempt, message, recorder, inFlight
                ? $"the gateway stopped during the call to {attempt.Account}, which cannot be asked whether it took the message; not sent again (at most one SMS, never two)"
                : $"{attempt.Reason}; {attempt.Account} cannot be asked whether it took it; not sent again (at most one SMS, never two)");
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        SmsLookupResult lookup;
        try
        {
            lookup = await provider.LookUpAsync(new SmsLookupRequest(message.Contact, text, attempt.ClientReference, attempt.StartedAt), cancellationToken);
        }
        catch (Exception ex) when (SmsHttpOutcomes.ClassifyLookup(ex, attempt.Account, cancellationToken) is { } failed)
        {
            lookup = failed;
        }

        switch (lookup)
        {
            case SmsLookupResult.Found found:
                attempt.Outcome = AttemptOutcomes.FoundLater;
                attempt.ProviderMessageId = found.ProviderMessageId;
                attempt.FinishedAt ??= now;
                Close(attempt);
                dispatcher.Accept(message, attempt.Account, found.ProviderMessageId, null, null, text, now);
                LogFound(Logger, message.MessageId, attempt.Account);
                await db.SaveChangesAsync(cancellationToken);
                break;
            case SmsLookupResult.NotFound:
                attempt.Outcome = AttemptOutcomes.NeverArrived;
                attempt.FinishedAt ??= now;
                Close(attempt);
                await db.SaveChangesAsync(cancellationToken);
                LogNeverArrived(Logger, message.MessageId, attempt.Account);
                await dispatcher.DispatchAsync(message, text, cancellationToken);
                break;
            case SmsLookupResult.Unavailable unavailable when now - attempt.StartedAt >= options.Value.Resolution.GiveUpAfter:
                Abandon(attempt, message, recorder, $"whether {attempt.Account} took it could not be learnt for {options.Value.Resolution.GiveUpAfter} ({unavailable.Reason}); not sent again");
                await db.SaveChangesAsync(cancellationToken);
                break;
            case SmsLookupResult.Unavailable unavailable:
                attempt.ResolveAfter = now + options.Value.Resolution.LookUpAfter;
                LogLookupFailed(Logger, message.MessageId, attempt.Account, unavailable.Reason);
                await db.SaveChangesAsync(cancellationToken);
                break;
        }
    }

    private static void Close(SendAttempt attempt)
    {
        attempt.ResolveAfter = null;
        attempt.PendingText = null;
    }

    private void Abandon(SendAttempt attempt, OutgoingMessage message, DeliveryRecorder recorder, string reason)
    {
        attempt.Outcome = AttemptOutcomes.Abandoned;
        attempt.FinishedAt ??= Time.GetUtcNow();
        attempt.Reason = reason;
        Close(attempt);
        recorder.Transition(message, MessageStatuses.FailedTemporary, reason, StatusCauses.OutcomeUnknown);
        LogAbandoned(Logger, message.MessageId, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId}: {Account} had taken it after all; accepted, not resent")]
    private static partial void LogFound(ILogger logger, Guid messageId, string account);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId}: {Account} never got it; sending it now")]
    private static partial void LogNeverArrived(ILogger logger, Guid messageId, string account);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId}: resuming a send interrupted between two tries")]
    private static partial void LogResumed(ILogger logger, Guid messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {MessageId}: looking it up at {Account} failed ({Reason}); asking again later")]
    private static partial void LogLookupFailed(ILogger logger, Guid messageId, string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {MessageId} failed-temporary: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, Guid messageId, string reason);
}
