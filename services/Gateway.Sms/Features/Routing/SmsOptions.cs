using System.ComponentModel.DataAnnotations;
using Comms.Gateway.Sms.Providers;

namespace Comms.Gateway.Sms.Features.Routing;

/// <summary>Section <c>Sms</c>: provider accounts, which clinic uses which, and when to move off a provider.</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";

    /// <summary>SMS sent at once; the rest wait in the queue (and meet the consent gate only when their turn comes).</summary>
    [Range(1, 256)]
    public int MaxParallelSends { get; set; } = 8;

    /// <summary>Provider accounts by name (Sms:Accounts:&lt;name&gt;).</summary>
    public Dictionary<string, SmsAccountOptions> Accounts { get; set; } = new(StringComparer.Ordinal);

    public SmsRoutingOptions Routing { get; set; } = new();

    public SmsFailoverOptions Failover { get; set; } = new();

    public SmsResolutionOptions Resolution { get; set; } = new();
}

/// <summary>Section <c>Sms:Routing</c>: which accounts a clinic sends through, in order of preference.</summary>
public sealed class SmsRoutingOptions
{
    /// <summary>For every clinic without a route of its own.</summary>
    public SmsRouteOptions Default { get; set; } = new();

    /// <summary>By clinic id (Sms:Routing:Clinics:&lt;clinicId&gt;).</summary>
    public Dictionary<string, SmsRouteOptions> Clinics { get; set; } = new(StringComparer.Ordinal);
}

public sealed class SmsRouteOptions
{
    /// <summary>Account names, preferred first; the next is used when one fails or is degraded.</summary>
    public List<string> Accounts { get; set; } = [];

    /// <summary>The clinic's sender name (≤ 11 Latin characters) registered with the carriers; the account's when empty.</summary>
    [MaxLength(11)]
    public string? Sender { get; set; }
}

/// <summary>
/// Section <c>Sms:Failover</c>: when an account counts as degraded and goes to the back of every route (as GOV.UK
/// Notify does), and when it comes back.
/// </summary>
public sealed class SmsFailoverOptions
{
    /// <summary>Calls within this window count towards the error rate; older ones are forgotten, which is how an account
    /// that failed comes back.</summary>
    public TimeSpan ErrorWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Share of failed calls (not sent, unknown) in the window at or above which the account is degraded.</summary>
    [Range(0.01, 1.0)]
    public double ErrorRateThreshold { get; set; } = 0.5;

    /// <summary>Calls in the window before the error rate is trusted.</summary>
    [Range(1, 10_000)]
    public int MinimumCalls { get; set; } = 5;

    /// <summary>An accepted message without a receipt after this long counts as overdue.</summary>
    public TimeSpan ReceiptOverdueAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Messages accepted this far back are looked at for overdue receipts.</summary>
    public TimeSpan ReceiptLookback { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Share of overdue messages at or above which the account is degraded.</summary>
    [Range(0.01, 1.0)]
    public double ReceiptOverdueThreshold { get; set; } = 0.5;

    /// <summary>Messages old enough to judge before the overdue share is trusted.</summary>
    [Range(1, 100_000)]
    public int MinimumReceiptSample { get; set; } = 10;

    /// <summary>How often receipts are checked.</summary>
    public TimeSpan ReceiptCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An account out of money or misconfigured is skipped this long, then tried again.</summary>
    public TimeSpan AccountProblemCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An account that said "too many requests" without saying how long is skipped this long.</summary>
    public TimeSpan RateLimitedCooldown { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Section <c>Sms:Resolution</c>: what happens to a send whose outcome is unknown.</summary>
public sealed class SmsResolutionOptions
{
    /// <summary>An unknown outcome is looked up at the provider this long after the attempt (it may still be processing).</summary>
    public TimeSpan LookUpAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An attempt still open this long after it started belongs to a gateway that died mid-call.</summary>
    public TimeSpan InFlightGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A lookup that keeps failing is given up after this long: the message ends failed-temporary.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the resolver looks for such sends.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
}
