namespace Comms.Audience.Features.Value;

/// <summary>
/// What the Gamma-Gamma spend model knows of one customer: the number <see cref="X"/> of transactions whose values are
/// averaged and their mean value <see cref="MeanValue"/> (mₓ). In the model's use with BG/NBD these are the repeat
/// transactions, so x is the same x as in <see cref="CustomerHistory"/>.
/// </summary>
public readonly record struct SpendHistory
{
    /// <param name="x">Transactions averaged, ≥ 1.</param>
    /// <param name="meanValue">Their mean value, positive (the model has no room for free visits).</param>
    public SpendHistory(int x, double meanValue)
    {
        if (x < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "A mean spend needs at least one transaction.");
        }

        if (!double.IsFinite(meanValue) || meanValue <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(meanValue), "The mean transaction value must be positive and finite.");
        }

        X = x;
        MeanValue = meanValue;
    }

    /// <summary>Transactions averaged.</summary>
    public int X { get; }

    /// <summary>Their mean value, mₓ.</summary>
    public double MeanValue { get; }
}
