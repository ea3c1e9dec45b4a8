using Comms.ProviderSimulator.Phones;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>A delivery outcome that becomes true, and is reported, at <paramref name="DueAt"/>.</summary>
public sealed record PendingReceipt(string SmsId, PhoneNumber To, int StatusCode, DateTimeOffset DueAt);
