namespace Comms.Benchmarks.Dispatcher;

/// <summary>The measured sends: their ids and due times, evenly spread at the stream's rate (or all at once in a burst).</summary>
public sealed class StreamPlan
{
    private readonly Dictionary<Guid, int> _index;

    private StreamPlan(Guid[] ids, DateTimeOffset[] due)
    {
        Ids = ids;
        Due = due;
        _index = new Dictionary<Guid, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            _index[ids[i]] = i;
        }
    }

    public IReadOnlyList<Guid> Ids { get; }

    public IReadOnlyList<DateTimeOffset> Due { get; }

    public int Count => Ids.Count;

    public DateTimeOffset FirstDue => Due[0];

    public DateTimeOffset LastDue => Due[^1];

    /// <summary>Send <c>i</c> is due at <paramref name="firstDue"/> + i / <paramref name="rate"/> seconds; a burst makes them all due at once.</summary>
    public static StreamPlan Create(int count, int rate, DateTimeOffset firstDue, bool burst, DateTimeOffset now)
    {
        var ids = new Guid[count];
        var due = new DateTimeOffset[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = Guid.CreateVersion7(now);
            due[i] = burst ? firstDue : firstDue.AddTicks(i * TimeSpan.TicksPerSecond / rate);
        }

        return new StreamPlan(ids, due);
    }

    public bool TryIndexOf(Guid messageId, out int index) => _index.TryGetValue(messageId, out index);

    /// <summary>How many sends are due at <paramref name="instant"/>.</summary>
    public int DueBy(DateTimeOffset instant)
    {
        var due = (DateTimeOffset[])Due;
        var at = Array.BinarySearch(due, instant);
        if (at < 0)
        {
            return ~at;
        }

        while (at < due.Length && due[at] <= instant)
        {
            at++;
        }

        return at;
    }
}
