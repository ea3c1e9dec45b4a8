namespace Comms.ProviderSimulator.Requests;

/// <summary>Every send request received, failed ones included, so tests can see attempts. Thread-safe.</summary>
public sealed class SendRequestLog
{
    private readonly Lock _gate = new();
    private readonly List<SendRequestRecord> _records = [];
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Add(SendRequestRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }

    public IReadOnlyList<SendRequestRecord> List()
    {
        lock (_gate)
        {
            return [.. _records.OrderBy(r => r.Sequence)];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }
}
