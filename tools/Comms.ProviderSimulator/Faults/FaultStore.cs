namespace Comms.ProviderSimulator.Faults;

/// <summary>Active faults. Thread-safe.</summary>
public sealed class FaultStore(FaultDice dice)
{
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private int _lastId;

    /// <summary>Stores the fault under a new id, with all its <see cref="Fault.Times"/> remaining.</summary>
    public Fault Add(Fault draft)
    {
        lock (_gate)
        {
            var fault = draft with { Id = ++_lastId, Remaining = draft.Times };
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
    /// one for every number, and the older before the newer. A fault with an errorRate applies to that share of sends,
    /// drawn for each; a send it spares is not counted against its times and may still meet the next fault in line.
    /// A fault used up is removed.
    /// </summary>
    public Fault? Take(string provider, string to)
    {
        lock (_gate)
        {
            var candidates = _faults
                .Select((fault, index) => (fault, index))
                .Where(c => Matches(c.fault, provider) && (c.fault.To == to || c.fault.To is null))
                .OrderBy(c => c.fault.To is null ? 1 : 0)
                .ThenBy(c => c.index)
                .ToList();

            foreach (var (fault, index) in candidates)
            {
                if (fault.ErrorRate is { } rate && !dice.Hits(rate))
                {
                    continue;
                }

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

            return null;
        }
    }

    private static bool Matches(Fault fault, string provider) =>
        string.Equals(fault.Provider, provider, StringComparison.OrdinalIgnoreCase);
}
