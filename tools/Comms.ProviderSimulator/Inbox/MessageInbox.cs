namespace Comms.ProviderSimulator.Inbox;

/// <summary>Every message accepted for delivery, oldest first. Thread-safe.</summary>
public sealed class MessageInbox
{
    private readonly Lock _gate = new();
    private readonly List<InboxMessage> _messages = [];
    private readonly Dictionary<string, int> _indexById = new(StringComparer.Ordinal);

    public void Add(InboxMessage message)
    {
        lock (_gate)
        {
            _indexById.Add(message.Id, _messages.Count);
            _messages.Add(message);
        }
    }

    /// <param name="to">E.164; null for every message.</param>
    public IReadOnlyList<InboxMessage> List(string? to = null)
    {
        lock (_gate)
        {
            return to is null ? [.. _messages] : [.. _messages.Where(m => m.To == to)];
        }
    }

    /// <summary>Moves a message to the status its receipt gives. False when the message is no longer here.</summary>
    public bool TryApplyReceipt(string id, int statusCode, string status)
    {
        lock (_gate)
        {
            if (!_indexById.TryGetValue(id, out var index))
            {
                return false;
            }

            _messages[index] = _messages[index] with { Status = status, StatusCode = statusCode };
            return true;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
            _indexById.Clear();
        }
    }
}
