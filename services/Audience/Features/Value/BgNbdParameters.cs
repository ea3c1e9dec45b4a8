namespace Comms.Audience.Features.Value;

/// <summary>
/// The four BG/NBD parameters (Fader, Hardie &amp; Lee 2005). While alive, a customer buys as a Poisson process whose
/// rate λ varies across customers as Gamma(shape <see cref="R"/>, rate <see cref="Alpha"/>); after every purchase they
/// drop out with a probability p that varies as Beta(<see cref="A"/>, <see cref="B"/>).
/// </summary>
/// <remarks>
/// Time is in days throughout our API, so <see cref="Alpha"/> is in days: the mean purchase rate of a live customer is
/// r/α per day. The literature states CDNOW results in weeks; α in weeks is α in days divided by 7, and r, a, b do not
/// depend on the unit.
/// </remarks>
public sealed record BgNbdParameters
{
    public BgNbdParameters(double r, double alpha, double a, double b)
    {
        R = r;
        Alpha = alpha;
        A = a;
        B = b;
    }

    /// <summary>Shape of the Gamma distribution of purchase rates.</summary>
    public double R { get; init => field = Positive(value, nameof(R)); }

    /// <summary>Rate (inverse scale, in days) of the Gamma distribution of purchase rates.</summary>
    public double Alpha { get; init => field = Positive(value, nameof(Alpha)); }

    /// <summary>First shape of the Beta distribution of the dropout probability.</summary>
    public double A { get; init => field = Positive(value, nameof(A)); }

    /// <summary>Second shape of the Beta distribution of the dropout probability.</summary>
    public double B { get; init => field = Positive(value, nameof(B)); }

    private static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "BG/NBD parameters must be positive and finite.");
}
