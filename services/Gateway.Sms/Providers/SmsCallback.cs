namespace Comms.Gateway.Sms.Providers;

/// <summary>One entry of a provider's callback, in the common status model.</summary>
public abstract record SmsCallbackItem
{
    /// <summary>A delivery receipt.</summary>
    /// <param name="Status">A <see cref="Comms.Contracts.MessageStatuses"/> value: sent, delivered, failed-permanent,
    /// failed-temporary or expired (or accepted for a provider's "still queued").</param>
    /// <param name="Code">The provider's own code, for the record.</param>
    /// <param name="Reason">Readable, for the timeline ("SMS.ru 104: expired …").</param>
    /// <param name="StopListed">The carrier refused it because the subscriber refused mailings: an opt-out.</param>
    /// <param name="BadNumber">The number does not exist: the contact is flagged.</param>
    public sealed record Receipt(
        string ProviderMessageId, string Status, string Code, string? Reason, DateTimeOffset? OccurredAt,
        bool StopListed = false, bool BadNumber = false) : SmsCallbackItem;

    /// <summary>A patient's SMS to the two-way number.</summary>
    /// <param name="From">E.164.</param>
    /// <param name="DedupKey">Identifies this SMS across the provider's repeats of the callback.</param>
    public sealed record Inbound(string From, string Text, string DedupKey, DateTimeOffset ReceivedAt) : SmsCallbackItem;
}

/// <summary>What a callback request carried, once read.</summary>
public abstract record SmsCallbackRead
{
    /// <summary>Signature or secret did not match: 401, nothing processed.</summary>
    public sealed record Unauthorized(string Reason) : SmsCallbackRead;

    /// <summary>Entries read; <paramref name="Unreadable"/> names the fields that could not be (problem details keys).</summary>
    public sealed record Entries(IReadOnlyList<SmsCallbackItem> Items, IReadOnlyDictionary<string, string[]> Unreadable) : SmsCallbackRead;
}

/// <summary>
/// Reads one provider type's callback request. The webhook endpoint has already checked the URL's token; a reader
/// checks the provider's own signature where it has one.
/// </summary>
public interface ISmsCallbackReader
{
    string ProviderType { get; }

    Task<SmsCallbackRead> ReadAsync(HttpRequest request, SmsAccountOptions account, CancellationToken cancellationToken);

    /// <summary>The answer the provider counts as "taken" (SMS.ru: text "100"; others: HTTP 200 "OK").</summary>
    IResult Acknowledge();
}
