using MathNet.Numerics;

namespace Comms.Audience.Features.Value;

/// <summary>
/// The Gamma-Gamma spend model: the value a customer's visits will have on average, shrinking their own mean towards
/// the population's as far as their few visits warrant. Independent of BG/NBD by assumption (spend and frequency
/// uncorrelated), it supplies the money that multiplies BG/NBD's expected visits.
/// </summary>
public static class GammaGamma
{
    /// <summary>
    /// ln f(mₓ | p, q, γ, x): the density of the mean of x transaction values,
    /// Γ(px+q)/(Γ(px)Γ(q)) · γ^q · x^(px) · mₓ^(px−1) / (γ + x·mₓ)^(px+q).
    /// </summary>
    public static double LogLikelihood(GammaGammaParameters parameters, SpendHistory customer)
    {
        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        var px = p * customer.X;
        return SpecialFunctions.GammaLn(px + q) - SpecialFunctions.GammaLn(px) - SpecialFunctions.GammaLn(q)
            + q * Math.Log(gamma) + px * Math.Log(customer.X) + (px - 1) * Math.Log(customer.MeanValue)
            - (px + q) * Math.Log(gamma + customer.X * customer.MeanValue);
    }

    /// <summary>The sum of <see cref="LogLikelihood(GammaGammaParameters, SpendHistory)"/> over the customers.</summary>
    public static double LogLikelihood(GammaGammaParameters parameters, ReadOnlySpan<SpendHistory> customers) =>
        GammaGammaLikelihood.Of(customers).Evaluate(parameters.P, parameters.Q, parameters.Gamma);

    /// <summary>
    /// E[M | p, q, γ, mₓ, x] = p(γ + x·mₓ)/(px + q − 1): the expected value of this customer's future transactions, a
    /// weighted mean of the population mean γp/(q−1) (weight (q−1)/(px+q−1)) and the customer's own mₓ (weight
    /// px/(px+q−1)). With <paramref name="x"/> = 0 (no repeat transaction yet) it is the population mean.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// x negative, mₓ not positive for x ≥ 1, or px + q ≤ 1 (the model's mean is infinite).
    /// </exception>
    public static double ExpectedAverageValue(GammaGammaParameters parameters, int x, double meanValue)
    {
        if (x < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "The number of transactions must be non-negative.");
        }

        if (x > 0 && (!double.IsFinite(meanValue) || meanValue <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(meanValue), "The mean transaction value must be positive and finite.");
        }

        var (p, q, gamma) = (parameters.P, parameters.Q, parameters.Gamma);
        var denominator = p * x + q - 1;
        if (denominator <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "With px + q <= 1 the expected spend is infinite.");
        }

        return p * (gamma + (x == 0 ? 0.0 : x * meanValue)) / denominator;
    }

    /// <summary>The population mean transaction value γp/(q−1), for a customer with no repeat transaction yet.</summary>
    public static double PopulationMeanValue(GammaGammaParameters parameters) =>
        ExpectedAverageValue(parameters, 0, 0);
}
