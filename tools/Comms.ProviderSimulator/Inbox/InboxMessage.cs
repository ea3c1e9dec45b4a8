namespace Comms.ProviderSimulator.Inbox;

/// <summary>A message as the patient's phone sees it (and as the provider bills it).</summary>
/// <param name="Id">The provider's message id (SMS.ru's sms_id, SMSC's id, SMS Aero's id).</param>
/// <param name="To">E.164.</param>
/// <param name="Provider">One of <see cref="ProviderNames"/>.</param>
/// <param name="Sender">The sender name asked for, if any.</param>
/// <param name="Status">One of <see cref="MessageStatus"/>.</param>
/// <param name="StatusCode">The provider's code for that status: its "accepted" code, then the receipt's code.</param>
/// <param name="Test">Sent in the provider's test mode: accepted and billed nothing, never delivered.</param>
/// <param name="StatusChangedAt">When the last receipt applied; null while the message is as accepted.</param>
/// <param name="ErrorCode">The provider's detail of a failed status (SMSC's err, e.g. 249 stop-list); null when none.</param>
public sealed record InboxMessage(
    string Id,
    string To,
    string Text,
    string Provider,
    string? Sender,
    DateTimeOffset ReceivedAt,
    string Status,
    int StatusCode,
    int Segments,
    decimal Cost,
    bool Test,
    DateTimeOffset? StatusChangedAt = null,
    int? ErrorCode = null);

public static class MessageStatus
{
    public const string Accepted = "accepted";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
