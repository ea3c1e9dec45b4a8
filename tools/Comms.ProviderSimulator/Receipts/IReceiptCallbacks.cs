using Comms.ProviderSimulator.Inbox;

namespace Comms.ProviderSimulator.Receipts;

/// <summary>How one provider reports a delivery outcome: the status it means, where it goes and in what shape.</summary>
public interface IReceiptCallbacks
{
    /// <summary>One of <see cref="ProviderNames"/>.</summary>
    string Provider { get; }

    /// <summary>The <see cref="MessageStatus"/> the provider's receipt code stands for.</summary>
    string InboxStatusOf(int statusCode);

    /// <summary>Where this receipt is POSTed; null or empty when nowhere.</summary>
    string? CallbackUrlOf(PendingReceipt receipt);

    /// <summary>POSTs the receipt once, in the provider's shape, stamped <paramref name="at"/> (the same on every retry).</summary>
    Task<CallbackOutcome> PostReceiptAsync(
        string callbackUrl, PendingReceipt receipt, InboxMessage message, DateTimeOffset at, CancellationToken cancellationToken);
}
