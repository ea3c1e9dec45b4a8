namespace Comms.Audience.Features.Value;

/// <summary>
/// What BG/NBD knows of one customer: the number of repeat visits <see cref="X"/>, the time of the last of them
/// <see cref="Tx"/> and the observation time <see cref="T"/>, both in days since the first visit. The first visit only
/// marks the customer's birth: it is not counted in x, because BG/NBD models the purchases that follow it.
/// </summary>
/// <remarks>
/// A value type so that a refit over hundreds of thousands of patients is one array, not that many objects. Several
/// visits on one day are one transaction (<see cref="FromVisitDays"/> merges them).
/// </remarks>
public readonly record struct CustomerHistory
{
    /// <param name="x">Repeat transactions, ≥ 0.</param>
    /// <param name="tx">Days from the first to the last repeat transaction; 0 when x = 0; at most <paramref name="t"/>.</param>
    /// <param name="t">Days from the first transaction to the end of observation.</param>
    public CustomerHistory(int x, double tx, double t)
    {
        if (x < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The number of repeat transactions must be non-negative.");
        }

        if (!double.IsFinite(t) || t < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(t), t, "The observation time must be finite and non-negative.");
        }

        if (!double.IsFinite(tx) || tx < 0 || tx > t || (x == 0 && tx != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tx), tx, "The recency must lie in [0, T], and be 0 without repeat transactions.");
        }

        X = x;
        Tx = tx;
        T = t;
    }

    /// <summary>Repeat transactions (visits after the first).</summary>
    public int X { get; }

    /// <summary>Days from the first transaction to the last repeat one (recency); 0 when <see cref="X"/> is 0.</summary>
    public double Tx { get; }

    /// <summary>Days from the first transaction to the end of observation.</summary>
    public double T { get; }

    /// <summary>
    /// The history of a customer as known on <paramref name="asOf"/> (inclusive), from the days of their visits in any
    /// order. Visits on one day are one transaction; days after <paramref name="asOf"/> are not yet known and are left out.
    /// </summary>
    /// <exception cref="ArgumentException">No visit on or before <paramref name="asOf"/>.</exception>
    public static CustomerHistory FromVisitDays(IEnumerable<DateOnly> visitDays, DateOnly asOf)
    {
        var first = DateOnly.MaxValue;
        var last = DateOnly.MinValue;
        var days = new HashSet<DateOnly>();
        foreach (var day in visitDays)
        {
            if (day > asOf || !days.Add(day))
            {
                continue;
            }

            first = day < first ? day : first;
            last = day > last ? day : last;
        }

        if (days.Count == 0)
        {
            throw new ArgumentException("A history needs at least one visit on or before the observation date.", nameof(visitDays));
        }

        var x = days.Count - 1;
        return new CustomerHistory(x, x == 0 ? 0 : last.DayNumber - first.DayNumber, asOf.DayNumber - first.DayNumber);
    }
}
