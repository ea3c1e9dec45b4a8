namespace Comms.Audience.Features.Value;

/// <summary>A Gamma-Gamma fit: the estimates and the log-likelihood at them.</summary>
public sealed record GammaGammaFit(GammaGammaParameters Parameters, double LogLikelihood, int Customers, int Evaluations);

/// <summary>
/// Maximum-likelihood estimation of Gamma-Gamma on customers with at least one repeat transaction: BFGS with the
/// analytic gradient on ln p, ln q, ln γ (Nelder–Mead if BFGS gives up), started from p = 1, q = 2, γ = the mean transaction value (which makes the model's population mean
/// equal the observed one) and from a more concentrated p = 5, q = 4, γ = 0.6 × mean (the same population mean).
/// </summary>
public static class GammaGammaFitter
{
    /// <exception cref="ArgumentException">No customers.</exception>
    public static GammaGammaFit Fit(ReadOnlySpan<SpendHistory> customers)
    {
        var likelihood = GammaGammaLikelihood.Of(customers);
        var mean = likelihood.MeanValue;
        double[][] starts =
        [
            [1.0, 2.0, mean],
            [5.0, 4.0, 0.6 * mean],
        ];

        var result = LogScaleMinimizer.Maximize((p, gradient) => likelihood.Evaluate(p[0], p[1], p[2], gradient), starts);
        var p = result.Parameters;
        return new GammaGammaFit(new GammaGammaParameters(p[0], p[1], p[2]), result.LogLikelihood, customers.Length, result.Evaluations);
    }
}
