namespace Comms.Audience.Features.Value;

/// <summary>A BG/NBD fit: the estimates and what they were estimated from.</summary>
/// <param name="Parameters">The maximum-likelihood estimates (α in days).</param>
/// <param name="LogLikelihood">The total log-likelihood at the estimates, with times in days.</param>
/// <param name="Customers">The number of customers fitted.</param>
/// <param name="DistinctHistories">The number of distinct (x, tₓ, T) among them.</param>
/// <param name="Evaluations">Likelihood evaluations the optimiser made.</param>
public sealed record BgNbdFit(
    BgNbdParameters Parameters,
    double LogLikelihood,
    int Customers,
    int DistinctHistories,
    int Evaluations);

/// <summary>
/// Maximum-likelihood estimation of BG/NBD: BFGS with the analytic gradient on ln r, ln α, ln a, ln b (positive by
/// construction; Nelder–Mead if BFGS gives up), started
/// from r = 1, α = mean T, a = 1, b = 1 (a customer visiting about once per observed lifetime, with a flat dropout
/// prior) and from a second point with heterogeneous rates and dropout, keeping the better optimum.
/// </summary>
/// <remarks>
/// A base with no repeat visit at all, or with every customer alive and regular, has its optimum at the boundary
/// (r or b → ∞, a → 0): the fit then returns the point where the search's bounds (e^20 from the start) stopped it,
/// which describes the data but whose parameters mean little. The service should require some repeat visits before trusting a refit.
/// </remarks>
public static class BgNbdFitter
{
    /// <summary>Fits the model to the customers' histories (times in days).</summary>
    /// <exception cref="ArgumentException">No customers.</exception>
    public static BgNbdFit Fit(ReadOnlySpan<CustomerHistory> customers)
    {
        var likelihood = BgNbdLikelihood.Of(customers);
        var meanT = Math.Max(likelihood.MeanT(), 1.0);
        double[][] starts =
        [
            [1.0, meanT, 1.0, 1.0],
            [0.5, meanT / 4, 0.5, 2.0],
        ];

        var result = LogScaleMinimizer.Maximize((p, gradient) => likelihood.Evaluate(p[0], p[1], p[2], p[3], gradient), starts);
        var p = result.Parameters;
        return new BgNbdFit(
            new BgNbdParameters(p[0], p[1], p[2], p[3]),
            result.LogLikelihood,
            likelihood.Customers,
            likelihood.DistinctHistories,
            result.Evaluations);
    }
}
