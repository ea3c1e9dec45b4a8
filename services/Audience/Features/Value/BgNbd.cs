using MathNet.Numerics;

namespace Comms.Audience.Features.Value;

/// <summary>
/// The BG/NBD model of repeat visits (Fader, Hardie &amp; Lee 2005, "Counting your customers the easy way", Marketing
/// Science 24(2)): for a customer's history (x, tₓ, T), how likely they are still a customer and how many visits to
/// expect from them. Time is in days; <see cref="BgNbdFitter"/> estimates the parameters.
/// </summary>
/// <remarks>
/// The functions do not depend on the unit of time as long as the history, the horizon and α share it, except the
/// likelihood: it is a density in the visit times, so in days it is the one in weeks less x·ln 7 per customer.
/// </remarks>
public static class BgNbd
{
    /// <summary>
    /// ln L(r, α, a, b | x, tₓ, T), equation (6) of the paper: ln A₁ + ln A₂ + ln(A₃ + δ(x&gt;0)·A₄) with
    /// A₁ = Γ(r+x)αʳ/Γ(r), A₂ = Γ(a+b)Γ(b+x)/(Γ(b)Γ(a+b+x)), A₃ = (α+T)^−(r+x), A₄ = a/(b+x−1)·(α+tₓ)^−(r+x);
    /// everything in logarithms, because A₃ and A₄ under- or overflow for frequent customers.
    /// </summary>
    public static double LogLikelihood(BgNbdParameters parameters, CustomerHistory customer)
    {
        var (r, alpha, a, b) = (parameters.R, parameters.Alpha, parameters.A, parameters.B);
        var x = customer.X;
        var lnA1A2 = SpecialFunctions.GammaLn(r + x) - SpecialFunctions.GammaLn(r) + r * Math.Log(alpha)
            + SpecialFunctions.GammaLn(a + b) + SpecialFunctions.GammaLn(b + x)
            - SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b + x);
        var lnA3 = -(r + x) * Math.Log(alpha + customer.T);
        if (x == 0)
        {
            return lnA1A2 + lnA3;
        }

        var lnA4 = Math.Log(a) - Math.Log(b + x - 1) - (r + x) * Math.Log(alpha + customer.Tx);
        return lnA1A2 + lnA3 + NearOne.SoftPlus(lnA4 - lnA3);
    }

    /// <summary>The sum of <see cref="LogLikelihood(BgNbdParameters, CustomerHistory)"/> over the customers.</summary>
    public static double LogLikelihood(BgNbdParameters parameters, ReadOnlySpan<CustomerHistory> customers) =>
        BgNbdLikelihood.Of(customers).Evaluate(parameters.R, parameters.Alpha, parameters.A, parameters.B);

    /// <summary>
    /// P(alive | x, tₓ, T) = 1 / (1 + δ(x&gt;0)·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)), equation (A2). A customer without repeat
    /// visits cannot have dropped out yet (dropping out happens right after a purchase), so theirs is 1.
    /// </summary>
    public static double ProbabilityAlive(BgNbdParameters parameters, CustomerHistory customer) =>
        customer.X == 0 ? 1.0 : 1.0 / (1.0 + Math.Exp(LogDeadOdds(parameters, customer)));

    /// <summary>
    /// E[Y(t) | x, tₓ, T]: the visits expected in the <paramref name="days"/> that follow the end of the history, i.e.
    /// in (T, T+t], equation (10):
    /// (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + δ(x&gt;0)·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)).
    /// </summary>
    /// <remarks>
    /// Computed through Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z), which turns the bracket
    /// into 1 − (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z): small parameters whatever x, so no overflow of (1−z)^−(r+x)
    /// for frequent customers and a short series. Its second parameter a−1 cancels the division by a−1 exactly
    /// (<see cref="Hypergeometric2F1.ExcessOverB"/>), so a at or near 1 is as accurate as any other.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The horizon is negative or not finite.</exception>
    public static double ExpectedTransactions(BgNbdParameters parameters, CustomerHistory customer, double days)
    {
        if (!double.IsFinite(days) || days < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, "The horizon must be finite and non-negative.");
        }

        if (days == 0)
        {
            return 0.0;
        }

        var (r, alpha, a, b) = (parameters.R, parameters.Alpha, parameters.A, parameters.B);
        var x = customer.X;
        var horizon = alpha + customer.T;
        var z = days / (horizon + days);
        var lnOneMinusZ = -NearOne.LogOnePlus(days / horizon);
        var c = a + b + x - 1;
        if (a > DirectFromA)
        {
            // Dropout all but fixed (a and b large, as a fit of very regular customers gives): Euler's form would have
            // a parameter a−1 in the thousands or millions and a series too long to sum, while the direct form
            // ₂F₁(r+x, b+x; c; z) has b+x < c and converges in a few terms; a−1 is then far from 0.
            var bracket = -NearOne.ExpMinusOne((r + x) * lnOneMinusZ + Math.Log(Hypergeometric2F1.Value(r + x, b + x, c, z)));
            var direct = c / (a - 1) * bracket;
            return x == 0 ? direct : direct / (1.0 + Math.Exp(LogDeadOdds(parameters, customer)));
        }

        var epsilon = a - 1;
        var u = epsilon * lnOneMinusZ;

        // bracket/(a−1) = −(e^((a−1)ln(1−z)) − 1)/(a−1) − (1−z)^(a−1) · (₂F₁(a+b−1−r, a−1; c; z) − 1)/(a−1)
        var powerExcess = epsilon == 0 ? lnOneMinusZ : NearOne.ExpMinusOne(u) / epsilon;
        var seriesExcess = Hypergeometric2F1.ExcessOverB(a + b - 1 - r, epsilon, c, z);
        var expected = c * (-powerExcess - Math.Exp(u) * seriesExcess);
        return x == 0 ? expected : expected / (1.0 + Math.Exp(LogDeadOdds(parameters, customer)));
    }

    /// <summary>
    /// E[X(t)]: the repeat visits expected in the first <paramref name="days"/> after a new customer's first visit,
    /// equation (9): (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ · ₂F₁(r, b; a+b−1; t/(α+t))]. It is the conditional expectation for
    /// the history (0, 0, 0), and computed as such.
    /// </summary>
    public static double ExpectedTransactionsOfNewCustomer(BgNbdParameters parameters, double days) =>
        ExpectedTransactions(parameters, new CustomerHistory(0, 0, 0), days);

    /// <summary>From this a on, the conditional expectation is summed in its direct form (see there).</summary>
    private const double DirectFromA = 100;

    /// <summary>ln(a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)), the log odds of having dropped out, for x &gt; 0.</summary>
    private static double LogDeadOdds(BgNbdParameters p, CustomerHistory customer) =>
        Math.Log(p.A) - Math.Log(p.B + customer.X - 1)
        + (p.R + customer.X) * NearOne.LogOnePlus((customer.T - customer.Tx) / (p.Alpha + customer.Tx));
}
