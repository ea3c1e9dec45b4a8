namespace Comms.Audience.Features.Value;

/// <summary>
/// The Gamma-Gamma spend model's parameters (Fader, Hardie &amp; Lee 2005, "RFM and CLV: using iso-value curves for
/// customer base analysis", JMR 42(4); Fader &amp; Hardie 2013, "The Gamma-Gamma model of monetary value"). A customer's
/// transaction values are Gamma(shape <see cref="P"/>, rate ν); ν varies across customers as Gamma(shape
/// <see cref="Q"/>, rate <see cref="Gamma"/>). The population mean transaction value is γp/(q−1), finite for q &gt; 1.
/// </summary>
/// <remarks><see cref="Gamma"/> is in the currency of the values (roubles in our use).</remarks>
public sealed record GammaGammaParameters
{
    public GammaGammaParameters(double p, double q, double gamma)
    {
        P = p;
        Q = q;
        Gamma = gamma;
    }

    /// <summary>Shape of a customer's transaction values.</summary>
    public double P { get; init => field = Positive(value, nameof(P)); }

    /// <summary>Shape of the distribution of the rate ν across customers.</summary>
    public double Q { get; init => field = Positive(value, nameof(Q)); }

    /// <summary>Rate (in currency units) of the distribution of ν.</summary>
    public double Gamma { get; init => field = Positive(value, nameof(Gamma)); }

    private static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, "Gamma-Gamma parameters must be positive and finite.");
}
