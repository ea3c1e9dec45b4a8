using Comms.Contracts.Mis;
using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery.Consent;
using Comms.Delivery.Messages;
using Comms.Gateway.Sms.Features.Contacts;
using Comms.Gateway.Sms.Features.Routing;
using Comms.Gateway.Sms.Persistence;
using Comms.Gateway.Sms.Providers;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Sms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>
/// Takes one queued message to a provider: the clinic's accounts in order of health, the consent gate before every
/// call, an attempt committed before every call, and a provider's answer turned into the common status model.
/// <list type="bullet">
/// <item>Surely not sent (provider down, no funds, rate limit, circuit open): the next account at once; after a full
/// round, a pause and another round; after the last round, failed-temporary.</item>
/// <item>Refused for good: failed-permanent; a bad number is flagged, a stop-list becomes an opt-out.</item>
/// <item>Unknown (a timeout after the request left): never resent blindly. Where the provider can be asked, the
/// attempt is left open for <see cref="AmbiguousSendResolver"/>; where it cannot (SMS.ru), the message ends
/// failed-temporary: at most one SMS, never two.</item>
/// </list>
/// </summary>
public sealed partial class SmsDispatcher(
    SmsDbContext db,
    ConsentGate gate,
    OptOuts optOuts,
    DeliveryRecorder recorder,
    FlaggedContacts flags,
    SmsAccounts accounts,
    ProviderHealth health,
    IOptions<SmsOptions> options,
    TimeProvider time,
    IServiceScopeFactory scopes,
    ILogger<SmsDispatcher> logger)
{
    /// <summary>Pauses between rounds over the route when no account took the message.</summary>
    public static readonly TimeSpan[] RoundPauses = [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>An attempt that surely did not send, kept open (with its text) until the next one starts, so a gateway that
    /// dies between the two leaves something for the resolver to resume.</summary>
    private SendAttempt? _resumePoint;

    /// <summary>Sends a message that is tracked and committed as queued. Returns with everything committed.</summary>
    /// <param name="tried">The account a batch's first call went to, left out of the first round.</param>
    public async Task DispatchAsync(OutgoingMessage message, string text, CancellationToken cancellationToken, string? tried = null)
    {
        var route = accounts.RouteFor(message.ClinicId);
        SmsSendResult? last = null;
        for (var round = 0; round <= RoundPauses.Length; round++)
        {
            if (round > 0)
            {
                await Task.Delay(RoundPauses[round - 1], time, cancellationToken);
            }

            foreach (var account in health.Order(route.Accounts))
            {
                if (round == 0 && account == tried)
                {
                    continue;
                }

                // Past its deadline no provider may be handed it: Scheduling may already count on the next channel.
                if (recorder.ExpireIfPastDeadline(message))
                {
                    CloseResumePoint();
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                }

                // The patient may have opted out meanwhile: the gate is asked before every call.
                var decision = await gate.CheckAsync(message.Contact, Channels.Sms, message.Purpose, cancellationToken);
                if (decision.Clearance is not { } clearance)
                {
                    CloseResumePoint();
                    recorder.Transition(message, MessageStatuses.Blocked, decision.Reason, decision.Cause);
                    LogBlocked(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), decision.Reason!);
                    await db.SaveChangesAsync(cancellationToken);
                    return;
                }

                var attempt = await BeginAttemptAsync(message, account, text, cancellationToken);
                var provider = accounts.Provider(account);
                var result = await CallAsync(provider, Request(message, attempt, clearance, text, route, account), cancellationToken);
                health.Record(account, result);
                if (await SettleAsync(message, attempt, provider, result, text, cancellationToken))
                {
                    return;
                }

                last = result;
            }
        }

        var reason = last is SmsSendResult.NotSent notSent ? notSent.Reason : "no provider account in the route";
        CloseResumePoint();
        recorder.Transition(message, MessageStatuses.FailedTemporary, $"no provider took it after {message.Attempts} tries; last: {reason}");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Sends the queued messages of a batch (tracked, with their intake not yet committed): for each, the deadline and
    /// the consent gate, then an attempt at the first account of its route in order of health — all committed at
    /// once, with the intake, before any call; the calls side by side; their outcomes committed at once. A message no
    /// account took in that first call goes on alone, each in a unit of work of its own and side by side, through the
    /// rest of the route and the rounds after it (<see cref="DispatchAsync"/>). Returns with everything committed.
    /// </summary>
    public async Task DispatchBatchAsync(IReadOnlyList<(OutgoingMessage Message, string Text)> queued, CancellationToken cancellationToken)
    {
        var calls = new List<FirstCall>(queued.Count);
        var asking = new List<(OutgoingMessage Message, string Text, SmsRouteOptions Route, string Account)>(queued.Count);
        foreach (var (message, text) in queued)
        {
            var route = accounts.RouteFor(message.ClinicId);
            var order = health.Order(route.Accounts);
            if (order.Count == 0)
            {
                // No account to try, now or after a pause: it ends here, never on record as queued without an attempt.
                recorder.Transition(message, MessageStatuses.FailedTemporary, "no provider took it after 0 tries; last: no provider account in the route");
            }
            else if (!recorder.ExpireIfPastDeadline(message))
            {
                asking.Add((message, text, route, order[0]));
            }
        }

        // The gate for the whole batch with one query, right before the commit that precedes the calls.
        var decisions = await gate.CheckAllAsync([.. asking.Select(a => (a.Message.Contact, a.Message.Purpose))], Channels.Sms, cancellationToken);
        for (var i = 0; i < asking.Count; i++)
        {
            var (message, text, route, account) = asking[i];
            if (decisions[i].Clearance is not { } clearance)
            {
                recorder.Transition(message, MessageStatuses.Blocked, decisions[i].Reason, decisions[i].Cause);
                LogBlocked(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), decisions[i].Reason!);
                continue;
            }

            var attempt = NewAttempt(message, account, text);
            calls.Add(new FirstCall(message, text, attempt, accounts.Provider(account), Request(message, attempt, clearance, text, route, account)));
        }

        recorder.CallFollows();
        await db.SaveChangesAsync(cancellationToken);

        var results = await Task.WhenAll(calls.Select(call => CallAsync(call.Provider, call.Request, cancellationToken)));
        var goOn = new List<(Guid MessageId, string Text, string Tried)>();
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            health.Record(call.Provider.Account, results[i]);
            if (!await RecordOutcomeAsync(call.Message, call.Attempt, call.Provider, results[i], call.Text, cancellationToken))
            {
                goOn.Add((call.Message.MessageId, call.Text, call.Provider.Account));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        _resumePoint = null; // each message's own, handed to its own unit of work below

        await Task.WhenAll(goOn.Select(m => GoOnAloneAsync(m.MessageId, m.Text, m.Tried, cancellationToken)));
    }

    private sealed record FirstCall(OutgoingMessage Message, string Text, SendAttempt Attempt, ISmsProvider Provider, SmsSendRequest Request);

    /// <summary>One message of a batch sent on by itself, from where the batch left it (committed, queued, its not-sent attempt open).</summary>
    private async Task GoOnAloneAsync(Guid messageId, string text, string tried, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var own = scope.ServiceProvider.GetRequiredService<SmsDispatcher>();
        var ownDb = scope.ServiceProvider.GetRequiredService<SmsDbContext>();
        var message = await ownDb.Messages.SingleAsync(m => m.MessageId == messageId, cancellationToken);
        // The attempt that surely did not send stays open until the next one starts (a resume point for the resolver).
        own._resumePoint = await ownDb.SendAttempts.SingleAsync(a => a.MessageId == messageId && a.Number == message.Attempts, cancellationToken);

        await own.DispatchAsync(message, text, cancellationToken, tried);
    }

    /// <summary>The attempt is on record before the call: a crash mid-call leaves it open for the resolver.</summary>
    private async Task<SendAttempt> BeginAttemptAsync(OutgoingMessage message, string account, string text, CancellationToken cancellationToken)
    {
        var attempt = NewAttempt(message, account, text);
        recorder.CallFollows();
        await db.SaveChangesAsync(cancellationToken);
        return attempt;
    }

    /// <summary>The next attempt at <paramref name="account"/>, tracked (the caller commits it before the call).</summary>
    private SendAttempt NewAttempt(OutgoingMessage message, string account, string text)
    {
        var now = time.GetUtcNow();
        CloseResumePoint();
        message.Attempts++;
        message.Provider = account;
        var attempt = new SendAttempt
        {
            MessageId = message.MessageId,
            Number = message.Attempts,
            Account = account,
            ClientReference = ClientReference(message.MessageId, message.Attempts),
            StartedAt = now,
            PendingText = text,
            ResolveAfter = now + options.Value.Resolution.InFlightGrace,
        };
        db.SendAttempts.Add(attempt);
        return attempt;
    }

    private void CloseResumePoint()
    {
        if (_resumePoint is { } open)
        {
            open.ResolveAfter = null;
            open.PendingText = null;
            _resumePoint = null;
        }
    }

    /// <summary>32 hex characters, unique per message and attempt, accepted by every provider that takes a client id.</summary>
    public static string ClientReference(Guid messageId, int attempt)
    {
        Span<byte> bytes = stackalloc byte[16];
        messageId.TryWriteBytes(bytes, bigEndian: true, out _);
        bytes[15] ^= (byte)attempt;
        bytes[14] ^= (byte)(attempt >> 8);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The call of <paramref name="attempt"/>: the route's sender, the attempt's reference, what is left of the deadline.</summary>
    private SmsSendRequest Request(
        OutgoingMessage message, SendAttempt attempt, ConsentClearance clearance, string text, SmsRouteOptions route, string account) =>
        new(clearance, text, string.IsNullOrWhiteSpace(route.Sender) ? null : route.Sender, attempt.ClientReference, CallbackUrl(account),
            message.NotAfter - time.GetUtcNow());

    private Uri? CallbackUrl(string account)
    {
        var settings = accounts.Settings(account);
        return string.IsNullOrWhiteSpace(settings.PublicBaseUrl)
            ? null
            : new Uri($"{settings.PublicBaseUrl.TrimEnd('/')}/webhooks/sms/{Uri.EscapeDataString(account)}?token={Uri.EscapeDataString(settings.CallbackToken)}");
    }

    /// <summary>An exception escaping an adapter is a bug, but the call may have left: it counts as an unknown outcome.</summary>
    private async Task<SmsSendResult> CallAsync(ISmsProvider provider, SmsSendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await provider.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogProviderCrashed(logger, ex, provider.Account);
            return SmsHttpOutcomes.Classify(ex, provider.Account, cancellationToken)
                ?? new SmsSendResult.Unknown($"{provider.Account} call failed unexpectedly ({ex.GetType().Name})");
        }
    }

    /// <summary>Records the outcome and commits it; true when the message needs no further call now.</summary>
    public async Task<bool> SettleAsync(
        OutgoingMessage message, SendAttempt attempt, ISmsProvider provider, SmsSendResult result, string text, CancellationToken cancellationToken)
    {
        var settled = await RecordOutcomeAsync(message, attempt, provider, result, text, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return settled;
    }

    /// <summary>Records the outcome in the unit of work; true when the message needs no further call now.</summary>
    private async Task<bool> RecordOutcomeAsync(
        OutgoingMessage message, SendAttempt attempt, ISmsProvider provider, SmsSendResult result, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        attempt.FinishedAt = now;
        attempt.ResolveAfter = null;
        attempt.PendingText = null;
        var settled = true;
        switch (result)
        {
            case SmsSendResult.Accepted accepted:
                attempt.Outcome = AttemptOutcomes.Accepted;
                attempt.ProviderMessageId = accepted.ProviderMessageId;
                Accept(message, provider.Account, accepted.ProviderMessageId, accepted.Segments, accepted.Cost, text, now);
                break;
            case SmsSendResult.Rejected rejected:
                attempt.Outcome = AttemptOutcomes.Rejected;
                attempt.Code = rejected.Code;
                attempt.Reason = rejected.Reason;
                recorder.Transition(message, MessageStatuses.FailedPermanent, rejected.Reason);
                if (rejected.Kind == RejectionKind.StopListed)
                {
                    await optOuts.RecordAsync(Channels.Sms, message.Contact, OptOutWords.RefusedPurposes, ConsentMethods.CarrierStopList, rejected.Reason,
                        message.ClinicId, message.PatientId, message.MessageId, cancellationToken);
                }
                else if (rejected.Kind == RejectionKind.BadNumber)
                {
                    await flags.FlagAsync(message.Contact, provider.Account, rejected.Code, rejected.Reason, message.MessageId, cancellationToken);
                }

                break;
            case SmsSendResult.NotSent notSent:
                attempt.Outcome = AttemptOutcomes.NotSent;
                attempt.Code = notSent.Code;
                attempt.Reason = notSent.Reason;
                attempt.PendingText = text;
                attempt.ResolveAfter = now + options.Value.Resolution.InFlightGrace;
                _resumePoint = attempt;
                LogNotSent(logger, message.MessageId, provider.Account, notSent.Reason);
                settled = false;
                break;
            case SmsSendResult.Unknown unknown when provider.CanLookUp:
                attempt.Outcome = AttemptOutcomes.Unknown;
                attempt.Reason = unknown.Reason;
                attempt.PendingText = text;
                attempt.ResolveAfter = now + options.Value.Resolution.LookUpAfter;
                message.Reason = $"{unknown.Reason}; it will be looked up at {provider.Account} before anything is sent again";
                message.UpdatedAt = now;
                LogUnknown(logger, message.MessageId, provider.Account, unknown.Reason);
                break;
            case SmsSendResult.Unknown unknown:
                attempt.Outcome = AttemptOutcomes.Unknown;
                attempt.Reason = unknown.Reason;
                recorder.Transition(message, MessageStatuses.FailedTemporary,
                    $"{unknown.Reason}; {provider.Account} cannot be asked whether it took it, so it is not sent again (at most one SMS, never two)",
                    StatusCauses.OutcomeUnknown);
                break;
        }

        return settled;
    }

    /// <summary>The provider has it: accepted, with what it costs.</summary>
    public void Accept(OutgoingMessage message, string account, string providerMessageId, int? segments, decimal? cost, string? text, DateTimeOffset now)
    {
        var settings = accounts.Settings(account);
        message.Provider = account;
        message.ProviderMessageId = providerMessageId;
        message.AcceptedAt = now;
        message.Segments = segments ?? (text is null ? null : SmsSegments.Count(text).Segments);
        message.Cost = cost ?? (message.Segments is { } parts ? parts * settings.PricePerSegment : null);
        message.Currency = settings.Currency;
        recorder.Transition(message, MessageStatuses.Accepted);
        LogAccepted(logger, message.MessageId, ContactNormalizer.Mask(message.Contact), account, message.Attempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId} to {Phone} accepted by {Account} (attempt {Attempt})")]
    private static partial void LogAccepted(ILogger logger, Guid messageId, string phone, string account, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS {MessageId} to {Phone} blocked: {Reason}")]
    private static partial void LogBlocked(ILogger logger, Guid messageId, string phone, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {MessageId} not sent by {Account}: {Reason}; trying the next account")]
    private static partial void LogNotSent(ILogger logger, Guid messageId, string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS {MessageId}: outcome at {Account} unknown ({Reason}); it will be looked up, not resent")]
    private static partial void LogUnknown(ILogger logger, Guid messageId, string account, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {Account}: the provider call failed unexpectedly")]
    private static partial void LogProviderCrashed(ILogger logger, Exception exception, string account);
}
