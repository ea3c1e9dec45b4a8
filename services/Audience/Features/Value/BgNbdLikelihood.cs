using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace Comms.Audience.Features.Value;

/// <summary>
/// The BG/NBD log-likelihood of a whole customer base, arranged for the hundreds of evaluations of a fit. Customers with
/// the same (x, tₓ, T) count once with their number; the Gamma functions depend on x only and are taken once per
/// distinct x; ln(α+t) once per distinct time. With times in whole days a clinic's 200,000 patients are a few tens of
/// thousands of distinct histories and a few hundred distinct times, and an evaluation allocates nothing.
/// </summary>
/// <remarks>Holds scratch buffers: one instance serves one fit at a time.</remarks>
internal sealed class BgNbdLikelihood
{
    private readonly int[] _xs;            // distinct x values
    private readonly double[] _times;      // distinct values of T and tₓ
    private readonly int[] _groupX;        // per distinct history: index into _xs
    private readonly int[] _groupT;        // index into _times
    private readonly int[] _groupTx;       // index into _times
    private readonly double[] _groupCount; // customers with that history
    private readonly double[] _xCount;     // customers per distinct x

    private readonly double[] _lnA1A2;     // scratch, per distinct x
    private readonly double[] _lnA4Factor; // scratch, per distinct x: ln a − ln(b+x−1)
    private readonly double[] _lnAlphaPlus; // scratch, per distinct time: ln(α+t)
    private readonly double[] _inverseAlphaPlus; // scratch, per distinct time: 1/(α+t)
    private readonly double[] _inverseBxMinusOne; // scratch, per distinct x: 1/(b+x−1)

    private BgNbdLikelihood(ReadOnlySpan<CustomerHistory> customers)
    {
        var counts = new Dictionary<CustomerHistory, int>();
        long repeatTransactions = 0;
        foreach (var customer in customers)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(counts, customer, out _)++;
            repeatTransactions += customer.X;
        }

        _xs = counts.Keys.Select(c => c.X).Distinct().Order().ToArray();
        _times = counts.Keys.SelectMany(c => new[] { c.T, c.Tx }).Distinct().Order().ToArray();
        var xIndex = _xs.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i);
        var timeIndex = _times.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);

        _xCount = new double[_xs.Length];
        var groups = counts.Count;
        _groupX = new int[groups];
        _groupT = new int[groups];
        _groupTx = new int[groups];
        _groupCount = new double[groups];
        var g = 0;
        foreach (var (history, count) in counts)
        {
            _groupX[g] = xIndex[history.X];
            _groupT[g] = timeIndex[history.T];
            _groupTx[g] = timeIndex[history.Tx];
            _groupCount[g] = count;
            _xCount[_groupX[g]] += count;
            g++;
        }

        _lnA1A2 = new double[_xs.Length];
        _lnA4Factor = new double[_xs.Length];
        _lnAlphaPlus = new double[_times.Length];
        _inverseAlphaPlus = new double[_times.Length];
        _inverseBxMinusOne = new double[_xs.Length];
        Customers = customers.Length;
        TotalRepeatTransactions = repeatTransactions;
    }

    /// <summary>The number of customers.</summary>
    public int Customers { get; }

    /// <summary>The number of distinct (x, tₓ, T) histories, i.e. of terms per evaluation.</summary>
    public int DistinctHistories => _groupCount.Length;

    /// <summary>Σx over all customers.</summary>
    public long TotalRepeatTransactions { get; }

    /// <summary>Arranges the customers; fails on an empty base, which has no likelihood to maximise.</summary>
    public static BgNbdLikelihood Of(ReadOnlySpan<CustomerHistory> customers) =>
        customers.IsEmpty
            ? throw new ArgumentException("A BG/NBD likelihood needs at least one customer.", nameof(customers))
            : new BgNbdLikelihood(customers);

    /// <summary>The mean of T over the customers (a scale to start a fit from).</summary>
    public double MeanT()
    {
        double sum = 0;
        for (var g = 0; g < _groupCount.Length; g++)
        {
            sum += _groupCount[g] * _times[_groupT[g]];
        }

        return sum / Customers;
    }

    /// <summary>The total log-likelihood at (r, α, a, b), all positive.</summary>
    public double Evaluate(double r, double alpha, double a, double b) => Evaluate(r, alpha, a, b, []);

    /// <summary>
    /// The total log-likelihood at (r, α, a, b), and, unless <paramref name="gradient"/> is empty, its partial
    /// derivatives by r, α, a, b into it. With w = A₄/(A₃+A₄), the weight of the "dropped out after tₓ" branch:
    /// ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−w)ln(α+T) − w·ln(α+tₓ); ∂/∂α = r/α − (r+x)((1−w)/(α+T) + w/(α+tₓ));
    /// ∂/∂a = ψ(a+b) − ψ(a+b+x) + w/a; ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w/(b+x−1).
    /// </summary>
    public double Evaluate(double r, double alpha, double a, double b, Span<double> gradient)
    {
        var withGradient = !gradient.IsEmpty;
        var lnAlpha = Math.Log(alpha);
        var lnA = Math.Log(a);
        var common = -SpecialFunctions.GammaLn(r) + r * lnAlpha + SpecialFunctions.GammaLn(a + b)
            - SpecialFunctions.GammaLn(b);
        double dr = 0, dAlpha = 0, da = 0, db = 0;
        var psiR = withGradient ? SpecialFunctions.DiGamma(r) : 0;
        var psiB = withGradient ? SpecialFunctions.DiGamma(b) : 0;
        var psiAB = withGradient ? SpecialFunctions.DiGamma(a + b) : 0;
        for (var i = 0; i < _xs.Length; i++)
        {
            var x = _xs[i];
            _lnA1A2[i] = common + SpecialFunctions.GammaLn(r + x) + SpecialFunctions.GammaLn(b + x)
                - SpecialFunctions.GammaLn(a + b + x);
            _lnA4Factor[i] = x == 0 ? 0.0 : lnA - Math.Log(b + x - 1);
            if (withGradient)
            {
                _inverseBxMinusOne[i] = x == 0 ? 0.0 : 1.0 / (b + x - 1);
                var psiABX = SpecialFunctions.DiGamma(a + b + x);
                dr += _xCount[i] * (SpecialFunctions.DiGamma(r + x) - psiR + lnAlpha);
                dAlpha += _xCount[i] * r / alpha;
                da += _xCount[i] * (psiAB - psiABX);
                db += _xCount[i] * (psiAB + SpecialFunctions.DiGamma(b + x) - psiB - psiABX);
            }
        }

        for (var k = 0; k < _times.Length; k++)
        {
            _lnAlphaPlus[k] = Math.Log(alpha + _times[k]);
            if (withGradient)
            {
                _inverseAlphaPlus[k] = 1.0 / (alpha + _times[k]);
            }
        }

        double total = 0, weightSum = 0;
        for (var g = 0; g < _groupCount.Length; g++)
        {
            var xi = _groupX[g];
            var x = _xs[xi];
            var power = r + x;
            var lnT = _lnAlphaPlus[_groupT[g]];
            var lnA3 = -power * lnT;
            var term = _lnA1A2[xi] + lnA3;
            var n = _groupCount[g];
            if (x == 0)
            {
                total += n * term;
                if (withGradient)
                {
                    dr -= n * lnT;
                    dAlpha -= n * power * _inverseAlphaPlus[_groupT[g]];
                }

                continue;
            }

            var lnTx = _lnAlphaPlus[_groupTx[g]];
            var d = _lnA4Factor[xi] - power * lnTx - lnA3;
            var e = Math.Exp(-Math.Abs(d));
            term += d > 0 ? d + NearOne.LogOnePlus(e) : NearOne.LogOnePlus(e);
            total += n * term;
            if (withGradient)
            {
                var w = d > 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
                var inverseT = _inverseAlphaPlus[_groupT[g]];
                dr -= n * (lnT + w * (lnTx - lnT));
                dAlpha -= n * power * (inverseT + w * (_inverseAlphaPlus[_groupTx[g]] - inverseT));
                weightSum += n * w;
                db -= n * w * _inverseBxMinusOne[xi];
            }
        }

        if (withGradient)
        {
            gradient[0] = dr;
            gradient[1] = dAlpha;
            gradient[2] = da + weightSum / a;
            gradient[3] = db;
        }

        return total;
    }
}
