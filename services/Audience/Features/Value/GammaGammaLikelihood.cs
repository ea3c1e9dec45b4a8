using MathNet.Numerics;

namespace Comms.Audience.Features.Value;

/// <summary>
/// The Gamma-Gamma log-likelihood of many customers, arranged for a fit: Σ ln x and Σ ln mₓ are sums fixed by the
/// data, and the Gamma functions depend on x only, so an evaluation costs a Gamma function per distinct x and one
/// logarithm per customer.
/// </summary>
internal sealed class GammaGammaLikelihood
{
    private readonly int[] _xs;           // distinct x
    private readonly double[] _xCount;    // customers per distinct x
    private readonly double[] _x;         // per customer
    private readonly double[] _total;     // per customer: x·mₓ
    private readonly double _sumXLnX;     // Σ x ln x
    private readonly double _sumXLnM;     // Σ x ln mₓ
    private readonly double _sumLnM;      // Σ ln mₓ

    private GammaGammaLikelihood(ReadOnlySpan<SpendHistory> customers)
    {
        var byX = new SortedDictionary<int, int>();
        _x = new double[customers.Length];
        _total = new double[customers.Length];
        for (var i = 0; i < customers.Length; i++)
        {
            var c = customers[i];
            byX[c.X] = byX.GetValueOrDefault(c.X) + 1;
            _x[i] = c.X;
            _total[i] = c.X * c.MeanValue;
            _sumXLnX += c.X * Math.Log(c.X);
            _sumXLnM += c.X * Math.Log(c.MeanValue);
            _sumLnM += Math.Log(c.MeanValue);
        }

        _xs = byX.Keys.ToArray();
        _xCount = byX.Values.Select(n => (double)n).ToArray();
        MeanValue = _total.Sum() / _x.Sum();
    }

    /// <summary>The mean transaction value over all averaged transactions (a scale to start a fit from).</summary>
    public double MeanValue { get; }

    public static GammaGammaLikelihood Of(ReadOnlySpan<SpendHistory> customers) =>
        customers.IsEmpty
            ? throw new ArgumentException("A Gamma-Gamma likelihood needs at least one customer.", nameof(customers))
            : new GammaGammaLikelihood(customers);

    /// <summary>The total log-likelihood at (p, q, γ), all positive.</summary>
    public double Evaluate(double p, double q, double gamma) => Evaluate(p, q, gamma, []);

    /// <summary>
    /// The total log-likelihood at (p, q, γ), and, unless <paramref name="gradient"/> is empty, its partial derivatives:
    /// ∂/∂p = Σ x(ψ(px+q) − ψ(px) + ln x + ln mₓ − ln(γ+x·mₓ)); ∂/∂q = Σ (ψ(px+q) − ψ(q) + ln γ − ln(γ+x·mₓ));
    /// ∂/∂γ = Σ (q/γ − (px+q)/(γ+x·mₓ)).
    /// </summary>
    public double Evaluate(double p, double q, double gamma, Span<double> gradient)
    {
        var withGradient = !gradient.IsEmpty;
        var n = (double)_x.Length;
        var lnGamma = Math.Log(gamma);
        var total = n * (q * lnGamma - SpecialFunctions.GammaLn(q)) + p * _sumXLnX + p * _sumXLnM - _sumLnM;
        double dp = _sumXLnX + _sumXLnM, dq = n * lnGamma, dGamma = n * q / gamma;
        if (withGradient)
        {
            dq -= n * SpecialFunctions.DiGamma(q);
        }

        for (var i = 0; i < _xs.Length; i++)
        {
            var px = p * _xs[i];
            total += _xCount[i] * (SpecialFunctions.GammaLn(px + q) - SpecialFunctions.GammaLn(px));
            if (withGradient)
            {
                var psiPxQ = SpecialFunctions.DiGamma(px + q);
                dp += _xCount[i] * _xs[i] * (psiPxQ - SpecialFunctions.DiGamma(px));
                dq += _xCount[i] * psiPxQ;
            }
        }

        for (var i = 0; i < _x.Length; i++)
        {
            var shape = p * _x[i] + q;
            var lnTotal = Math.Log(gamma + _total[i]);
            total -= shape * lnTotal;
            if (withGradient)
            {
                dp -= _x[i] * lnTotal;
                dq -= lnTotal;
                dGamma -= shape / (gamma + _total[i]);
            }
        }

        if (withGradient)
        {
            gradient[0] = dp;
            gradient[1] = dq;
            gradient[2] = dGamma;
        }

        return total;
    }
}
