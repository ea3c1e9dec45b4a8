namespace Comms.Audience.Features.Value;

/// <summary>
/// ln(1+u) and eᵘ−1 accurate for small u. BG/NBD's expectations subtract numbers close to 1 from 1 when the horizon is
/// short or a is close to 1; the plain Math.Log(1+u) and Math.Exp(u)−1 lose every digit there (.NET's own
/// double.LogP1/ExpM1 are computed that plain way).
/// </summary>
internal static class NearOne
{
    /// <summary>ln(1+u) for u &gt; −1 (Goldberg's correction of the rounding in 1+u).</summary>
    public static double LogOnePlus(double u)
    {
        var w = 1.0 + u;
        return w == 1.0 ? u : Math.Log(w) * u / (w - 1.0);
    }

    /// <summary>eᵘ−1 (Kahan's correction: the rounding error of eᵘ cancels in the ratio).</summary>
    public static double ExpMinusOne(double u)
    {
        if (Math.Abs(u) >= 0.5)
        {
            return Math.Exp(u) - 1.0;
        }

        var w = Math.Exp(u);
        if (w == 1.0)
        {
            return u;
        }

        var lnW = Math.Log(w);
        return (w - 1.0) * u / lnW;
    }

    /// <summary>ln(1+eᵈ) without overflow for large d.</summary>
    public static double SoftPlus(double d) =>
        d > 0 ? d + LogOnePlus(Math.Exp(-d)) : LogOnePlus(Math.Exp(d));
}
