using Comms.Delivery.Attempts;
using Comms.Gateway.Max.Persistence;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Sending;

/// <summary>
/// The sends of a gateway that stopped during a call to MAX's Bot API, or in the pause after a refusal that surely sent
/// nothing (429, MAX unreachable): MAX cannot be asked whether it took a message, so an interrupted one is never sent
/// again (at most one message, never two). What it does is <see cref="UnaskableAttemptResolver{TDbContext, TAttempt}"/>'s,
/// shared with Gateway.Email.
/// </summary>
public sealed class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<MaxOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : UnaskableAttemptResolver<MaxDbContext, SendAttempt>(scopes, time, logger)
{
    public const string Reason =
        "the gateway stopped during the call to MAX's Bot API, which cannot be asked whether it took the message; not sent again (at most one message, never two)";

    public const string BetweenTriesReason =
        "the gateway stopped while waiting to try again after MAX refused the message (rate limit, or unreachable); MAX did not take it, so nothing was sent";

    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override string InterruptedReason => Reason;

    protected override string StoppedBetweenTriesReason => BetweenTriesReason;

    protected override string RefusedOutcome => "refused";

    protected override string Channel => "MAX";
}
