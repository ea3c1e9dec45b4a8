namespace Comms.ProviderSimulator.Faults;

/// <summary>A failure the simulator plays instead of the happy path.</summary>
/// <param name="To">E.164, or null for every number.</param>
/// <param name="SendStatusCode">The provider's own error code answered instead of accepting; nothing is sent.</param>
/// <param name="ReceiptStatusCode">The provider's own receipt code instead of its "delivered".</param>
/// <param name="DelayMs">The send is taken at once but answered this much later: a slow provider, or, with a client
/// timeout below it, a timeout after accepting.</param>
/// <param name="Times">How many messages it applies to; null until cleared.</param>
/// <param name="Remaining">How many it still applies to; null until cleared.</param>
/// <param name="ErrorRate">The share of matching sends it applies to, drawn at random; null for every one.</param>
/// <param name="Outcome">One of <see cref="FaultOutcomes"/>: answered as the provider answers that case.</param>
/// <param name="HttpStatus">An HTTP status (5xx or 429) answered instead of the provider's answer; nothing is sent,
/// unless <paramref name="Accepted"/>.</param>
/// <param name="Receipt">One of <see cref="FaultReceipts"/>: the provider's receipt for that case, or none at all.</param>
/// <param name="Accepted">With <paramref name="HttpStatus"/>: the provider takes the message first (it reaches the
/// patient) and the answer is that status anyway, as a proxy's 502 or 504 after the provider accepted it. MAX and
/// WhatsApp only.</param>
public sealed record Fault(
    int Id,
    string Provider,
    string? To,
    int? SendStatusCode,
    int? ReceiptStatusCode,
    int? Times,
    int? Remaining,
    DateTimeOffset CreatedAt,
    int? DelayMs = null,
    double? ErrorRate = null,
    string? Outcome = null,
    int? HttpStatus = null,
    string? Receipt = null,
    bool Accepted = false)
{
    /// <summary>The send is refused (by the provider's answer or an HTTP error) and nothing reaches the phone.</summary>
    public bool RefusesSend => SendStatusCode is not null || Outcome is not null || (HttpStatus is not null && !Accepted);
}

/// <summary>The body of <c>POST /sim/faults</c>.</summary>
public sealed record FaultRequest(
    string? Provider,
    string? To,
    int? SendStatusCode,
    int? ReceiptStatusCode,
    int? Times,
    int? DelayMs = null,
    double? ErrorRate = null,
    string? Outcome = null,
    int? HttpStatus = null,
    string? Receipt = null,
    bool? Accepted = null);

/// <summary>Provider-neutral send failures; each provider answers them its own way.</summary>
public static class FaultOutcomes
{
    public const string NoFunds = "noFunds";
    public const string StopListed = "stopListed";
    public const string BadNumber = "badNumber";
    public const string Unavailable = "unavailable";
    public const string RateLimited = "rateLimited";

    public static readonly IReadOnlyList<string> All = [NoFunds, StopListed, BadNumber, Unavailable, RateLimited];
}

/// <summary>Provider-neutral receipts; each provider reports them with its own code.</summary>
public static class FaultReceipts
{
    public const string Delivered = "delivered";
    public const string Expired = "expired";
    public const string Undeliverable = "undeliverable";

    /// <summary>The message is accepted and never reported on again.</summary>
    public const string None = "none";

    public static readonly IReadOnlyList<string> All = [Delivered, Expired, Undeliverable, None];
}
