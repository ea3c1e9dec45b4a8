namespace Comms.ProviderSimulator.Inbox;

/// <summary>
/// Every message accepted for delivery, by any provider, oldest first. A message is known by its provider, its id and
/// its number together: SMSC lets a client give the same id to messages for different numbers. Thread-safe.
/// </summary>
public sealed class MessageInbox
{
    private readonly Lock _gate = new();
    private readonly List<InboxMessage> _messages = [];
    private readonly Dictionary<(string Provider, string Id, string To), int> _index = [];

    public void Add(InboxMessage message)
    {
        lock (_gate)
        {
            _index.Add(KeyOf(message), _messages.Count);
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

    /// <summary>This provider's messages, oldest first.</summary>
    public IReadOnlyList<InboxMessage> ListOf(string provider)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.Provider == provider)];
        }
    }

    /// <param name="to">E.164; null for the first message of that provider with that id, whatever its number.</param>
    public InboxMessage? Find(string provider, string id, string? to = null)
    {
        lock (_gate)
        {
            if (to is not null)
            {
                return _index.TryGetValue((provider, id, to), out var index) ? _messages[index] : null;
            }

            return _messages.Find(m => m.Provider == provider && m.Id == id);
        }
    }

    /// <summary>
    /// The provider a reply from this number most likely answers: the one that last delivered a message to it, or,
    /// when none was delivered yet, the one that last sent it anything; null when it never received a message.
    /// </summary>
    public string? LastProviderFor(string to)
    {
        lock (_gate)
        {
            var received = _messages.Where(m => m.To == to && !m.Test).ToList();
            return (received.LastOrDefault(m => m.Status == MessageStatus.Delivered) ?? received.LastOrDefault())?.Provider;
        }
    }

    /// <summary>Moves a message to the status its receipt gives: the message as it now is, or null when it is no longer here.</summary>
    public InboxMessage? ApplyReceipt(
        string provider, string id, string to, int statusCode, string status, DateTimeOffset at, int? errorCode = null)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue((provider, id, to), out var index))
            {
                return null;
            }

            return _messages[index] = _messages[index] with
            {
                Status = status,
                StatusCode = statusCode,
                StatusChangedAt = at,
                ErrorCode = errorCode,
            };
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _messages.Clear();
            _index.Clear();
        }
    }

    private static (string, string, string) KeyOf(InboxMessage message) => (message.Provider, message.Id, message.To);
}
