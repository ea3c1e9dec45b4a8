namespace Comms.Audience.Features.Value;

/// <summary>
/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and real z &lt; 1. BG/NBD's conditional
/// expectation needs it at z = t/(α+T+t), which lies in [0, 1); MathNet has no ₂F₁, so it is summed here.
/// </summary>
/// <remarks>
/// For 0 ≤ z &lt; 1 the defining series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ is summed directly. For z &lt; 0 the Pfaff
/// transformation ₂F₁(a,b;c;z) = (1−z)^(−a) ₂F₁(a, c−b; c; z/(z−1)) maps the argument into (0, 1): the series then
/// has terms of one sign (no cancellation of an alternating series) and converges for every z &lt; 0, including
/// z &lt; −1 where the direct series diverges. The series stops once a bound on the remaining terms is below the
/// relative tolerance; near z = 1 it needs about ln(ε)/ln(z) terms (≈ 700 at z = 0.95).
/// </remarks>
public static class Hypergeometric2F1
{
    /// <summary>The relative tolerance at which the series stops.</summary>
    public const double Tolerance = 1e-15;

    /// <summary>
    /// At most this many terms: enough for z up to about 0.99996. Beyond it the series is considered not to converge
    /// (a horizon that long next to a customer's history is not a question these models answer well anyway).
    /// </summary>
    public const int MaxTerms = 1_000_000;

    /// <summary>₂F₁(a, b; c; z).</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// z ≥ 1 or not finite, a parameter not a number, c a non-positive integer (the function is undefined there unless
    /// the series ends earlier), or the series did not converge within <see cref="MaxTerms"/> terms.
    /// </exception>
    public static double Value(double a, double b, double c, double z)
    {
        Check(a, b, c, z);
        if (z < 0.0)
        {
            // Pfaff: the new argument z/(z−1) is in (0, 1).
            return Math.Pow(1.0 - z, -a) * Sum(a, c - b, c, z / (z - 1.0), dividedByB: false);
        }

        return Sum(a, b, c, z, dividedByB: false);
    }

    /// <summary>
    /// (₂F₁(a, b; c; z) − 1)/b for 0 ≤ z &lt; 1, summed without the subtraction, so it stays exact as b → 0 (where it
    /// tends to Σₙ≥₁ (a)ₙ (n−1)!/((c)ₙ n!) zⁿ). BG/NBD's expectations divide by a − 1 a quantity that vanishes at
    /// a = 1; written with this function they have no removable singularity left.
    /// </summary>
    internal static double ExcessOverB(double a, double b, double c, double z)
    {
        Check(a, b, c, z);
        if (z < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "The excess of 2F1 is summed for 0 <= z < 1 only.");
        }

        return Sum(a, b, c, z, dividedByB: true);
    }

    private static void Check(double a, double b, double c, double z)
    {
        if (!(z < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(z), z, "2F1 is summed for z < 1 only.");
        }

        if (double.IsNaN(a) || double.IsNaN(b) || double.IsNaN(c) || double.IsInfinity(a) || double.IsInfinity(b) ||
            double.IsInfinity(c) || double.IsInfinity(z))
        {
            throw new ArgumentOutOfRangeException(nameof(z), "2F1 needs finite parameters and argument.");
        }
    }

    /// <summary>
    /// The series for 0 ≤ z &lt; 1: Σₙ≥₀ tₙ, or with <paramref name="dividedByB"/> Σₙ≥₁ tₙ/b (the first term without
    /// its factor b, the later ones following from it by the same term ratio).
    /// </summary>
    private static double Sum(double a, double b, double c, double z, bool dividedByB)
    {
        if (z == 0.0)
        {
            return dividedByB ? 0.0 : 1.0;
        }

        double term;
        int first;
        if (dividedByB)
        {
            if (c == 0.0)
            {
                throw new ArgumentOutOfRangeException(nameof(c), c, "2F1 is undefined for c a non-positive integer.");
            }

            term = a * z / c;
            first = 1;
        }
        else
        {
            term = 1.0;
            first = 0;
        }

        var sum = term;
        if (term == 0.0)
        {
            return sum;
        }

        // From this index on every factor a+n, b+n, c+n is positive (at once for positive parameters: BG/NBD's, however
        // large — a fit with a and b in the millions must not wait millions of terms for the bound to apply).
        var settledFrom = Math.Max(0.0, Math.Max(Math.Max(-a, -b), -c)) + 1.0;
        for (var n = first; n < MaxTerms; n++)
        {
            var denominator = (c + n) * (n + 1);
            if (denominator == 0.0)
            {
                throw new ArgumentOutOfRangeException(nameof(c), c, "2F1 is undefined for c a non-positive integer.");
            }

            term *= (a + n) * (b + n) / denominator * z;
            sum += term;
            if (term == 0.0)
            {
                return sum; // a or b a non-positive integer: a polynomial.
            }

            var next = n + 1.0;
            if (next >= settledFrom)
            {
                // The later term ratios are z·(a+k)/(k+1)·(b+k)/(c+k) for k > n. Each of the two fractions moves
                // monotonically towards 1, so neither exceeds max(its value now, 1): that caps every later ratio, and
                // the rest of the series is at most a geometric series of the cap. a and b may be paired either way
                // round; the lower cap is taken (a large b over a larger c caps at 1 at once).
                var cap = z * Math.Min(
                    Math.Max((a + next) / (next + 1.0), 1.0) * Math.Max((b + next) / (c + next), 1.0),
                    Math.Max((b + next) / (next + 1.0), 1.0) * Math.Max((a + next) / (c + next), 1.0));
                if (cap < 1.0 && Math.Abs(term) * cap / (1.0 - cap) <= Tolerance * Math.Abs(sum))
                {
                    return sum;
                }
            }
        }

        throw new ArgumentOutOfRangeException(nameof(z), z, "2F1 series did not converge within the term cap.");
    }
}
