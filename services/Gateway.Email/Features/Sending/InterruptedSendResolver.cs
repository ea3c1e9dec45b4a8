using Comms.Delivery.Attempts;
using Comms.Gateway.Email.Persistence;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Features.Sending;

/// <summary>
/// The mails of a gateway that stopped during a call to the SMTP relay, or in the pause before the next try: a relay
/// cannot be asked whether it took a mail, so an interrupted one is never sent again (at most one mail, never two).
/// What it does is <see cref="UnaskableAttemptResolver{TDbContext, TAttempt}"/>'s, shared with Gateway.Max.
/// </summary>
public sealed class InterruptedSendResolver(
    IServiceScopeFactory scopes,
    IOptions<EmailOptions> options,
    TimeProvider time,
    ILogger<InterruptedSendResolver> logger) : UnaskableAttemptResolver<EmailDbContext, SendAttempt>(scopes, time, logger)
{
    public const string Reason =
        "the gateway stopped during the call to the SMTP relay, which cannot be asked whether it took the message; not sent again (at most one mail, never two)";

    public const string BetweenTriesReason =
        "the gateway stopped while waiting to try again; the last try surely did not reach the relay, so nothing was sent";

    protected override TimeSpan Interval => options.Value.Resolution.Interval;

    protected override string InterruptedReason => Reason;

    protected override string StoppedBetweenTriesReason => BetweenTriesReason;

    protected override string RefusedOutcome => "not-sent";

    protected override string Channel => "Email";
}
