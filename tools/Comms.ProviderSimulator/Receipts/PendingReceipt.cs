using Comms.ProviderSimulator.Phones;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>A delivery outcome that becomes true, and is reported, at <paramref name="DueAt"/>.</summary>
/// <param name="Provider">One of <see cref="ProviderNames"/>.</param>
/// <param name="SmsId">The provider's message id.</param>
/// <param name="ErrorCode">The provider's detail of a failure (SMSC's err); null when none.</param>
/// <param name="CallbackUrl">Where this message's receipt goes when the provider takes it per message (SMS Aero).</param>
public sealed record PendingReceipt(
    string Provider,
    string SmsId,
    PhoneNumber To,
    int StatusCode,
    DateTimeOffset DueAt,
    int? ErrorCode = null,
    string? CallbackUrl = null);
