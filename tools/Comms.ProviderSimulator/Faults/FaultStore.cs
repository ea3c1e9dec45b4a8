namespace Comms.ProviderSimulator.Faults;

/// <summary>Active faults. Thread-safe.</summary>
public sealed class FaultStore
{
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private int _lastId;

    public Fault Add(string provider, string? to, int? sendStatusCode, int? receiptStatusCode, int? times, DateTimeOffset now, int? delayMs = null)
    {
        lock (_gate)
        {
            var fault = new Fault(++_lastId, provider, to, sendStatusCode, receiptStatusCode, times, times, now, delayMs);
            _faults.Add(fault);
            return fault;
        }
    }

    public IReadOnlyList<Fault> List()
    {
        lock (_gate)
        {
            return [.. _faults];
        }
    }

    public Fault? Find(int id)
    {
        lock (_gate)
        {
            return _faults.Find(f => f.Id == id);
        }
    }

    public bool Remove(int id)
    {
        lock (_gate)
        {
            return _faults.RemoveAll(f => f.Id == id) > 0;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>
    /// The fault that applies to a message to this number, counted as used: a fault for that very number comes before
    /// one for every number, and the older before the newer. A fault used up is removed.
    /// </summary>
    public Fault? Take(string provider, string to)
    {
        lock (_gate)
        {
            var index = _faults.FindIndex(f => Matches(f, provider) && f.To == to);
            if (index < 0)
            {
                index = _faults.FindIndex(f => Matches(f, provider) && f.To is null);
            }

            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            if (fault.Remaining is { } remaining)
            {
                if (remaining <= 1)
                {
                    _faults.RemoveAt(index);
                }
                else
                {
                    _faults[index] = fault with { Remaining = remaining - 1 };
                }
            }

            return fault;
        }
    }

    private static bool Matches(Fault fault, string provider) =>
        string.Equals(fault.Provider, provider, StringComparison.OrdinalIgnoreCase);
}
