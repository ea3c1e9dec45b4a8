namespace Comms.ProviderSimulator.Faults;

/// <summary>A failure the simulator plays instead of the happy path.</summary>
/// <param name="To">E.164, or null for every number.</param>
/// <param name="SendStatusCode">Per-number ERROR code answered instead of OK; nothing reaches the inbox.</param>
/// <param name="ReceiptStatusCode">Receipt code instead of 103 (delivered).</param>
/// <param name="DelayMs">The send is answered this much later: a slow provider.</param>
/// <param name="Times">How many messages it applies to; null until cleared.</param>
/// <param name="Remaining">How many it still applies to; null until cleared.</param>
public sealed record Fault(
    int Id,
    string Provider,
    string? To,
    int? SendStatusCode,
    int? ReceiptStatusCode,
    int? Times,
    int? Remaining,
    DateTimeOffset CreatedAt,
    int? DelayMs = null);

/// <summary>The body of <c>POST /sim/faults</c>.</summary>
public sealed record FaultRequest(
    string? Provider,
    string? To,
    int? SendStatusCode,
    int? ReceiptStatusCode,
    int? Times,
    int? DelayMs = null);
