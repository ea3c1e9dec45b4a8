using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Comms.Audience.Features.Value;

/// <summary>
/// A log-likelihood over positive parameters: its value at <paramref name="parameters"/>, and, unless
/// <paramref name="gradient"/> is empty, its partial derivatives by the parameters written into it.
/// </summary>
internal delegate double LogLikelihoodFunction(ReadOnlySpan<double> parameters, Span<double> gradient);

/// <summary>
/// Maximum likelihood over positive parameters, searched in their logarithms so every point tried is admissible and no
/// bounds are needed. MathNet's BFGS with the analytic gradient does it in a few dozen evaluations; should its line
/// search give up (a start far out on a flat ridge), Nelder–Mead takes over from the best point seen and is restarted
/// from its own result until that stops improving. Of several starts the best optimum wins.
/// </summary>
internal static class LogScaleMinimizer
{
    // BFGS stops when every |∂(−LL)/∂ln θ|·max(|ln θ|, 1) is below this fraction of |LL|.
    private const double GradientTolerance = 1e-10;
    private const int MaximumBfgsIterations = 500;
    private const double SimplexTolerance = 1e-12;
    private const int MaximumSimplexEvaluations = 4_000;
    private const int MaximumSimplexRestarts = 20;

    // How far, in ln θ, the search may go from its start. e^20 ≈ 5·10⁸ either way is far past any parameter a fit
    // could mean, and keeps Γ-function differences at magnitudes where they still carry digits: unbounded, a line
    // search doubling its step reaches r ≈ 10³⁰⁰, where lnΓ(r+x) − lnΓ(r) is rounding noise that can look like a
    // better likelihood.
    private const double MaximumLogDistance = 20;

    /// <summary>The result: the parameters (not their logarithms), the maximum log-likelihood, evaluations made.</summary>
    public sealed record Result(double[] Parameters, double LogLikelihood, int Evaluations);

    /// <param name="logLikelihood">The function to maximise; a non-finite value marks a point as unusable.</param>
    /// <param name="starts">Starting parameter vectors, all entries positive.</param>
    public static Result Maximize(LogLikelihoodFunction logLikelihood, IReadOnlyList<double[]> starts)
    {
        var search = new Search(logLikelihood, starts[0].Length);
        double[]? bestPoint = null;
        var best = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var logs = Vector<double>.Build.DenseOfArray(Array.ConvertAll(start, Math.Log));
            search.Reset(logs);
            if (!search.TryBfgs(logs))
            {
                search.Simplex(search.BestPoint is { } seen ? Vector<double>.Build.DenseOfArray(seen) : logs);
            }

            if (search.BestPoint is { } point && search.BestValue < best)
            {
                best = search.BestValue;
                bestPoint = point;
            }
        }

        return bestPoint is null
            ? throw new InvalidOperationException("The likelihood could not be evaluated at any starting point.")
            : new Result(Array.ConvertAll(bestPoint, Math.Exp), -best, search.Evaluations);
    }

    /// <summary>−LL in log-parameters, keeping the best point it has seen (an optimiser that throws loses its own).</summary>
    private sealed class Search(LogLikelihoodFunction logLikelihood, int dimension)
    {
        private readonly double[] _parameters = new double[dimension];
        private readonly double[] _gradient = new double[dimension];
        private Vector<double> _origin = Vector<double>.Build.Dense(dimension);

        public int Evaluations { get; private set; }

        public double[]? BestPoint { get; private set; }

        public double BestValue { get; private set; } = double.PositiveInfinity;

        /// <summary>Starts a new search around <paramref name="origin"/> (log-parameters).</summary>
        public void Reset(Vector<double> origin)
        {
            _origin = origin;
            BestPoint = null;
            BestValue = double.PositiveInfinity;
        }

        public bool TryBfgs(Vector<double> start)
        {
            var function = ObjectiveFunction.Gradient(ValueAndGradient);
            try
            {
                var result = new BfgsMinimizer(GradientTolerance, 1e-14, 1e-14, MaximumBfgsIterations).FindMinimum(function, start);

                // A start where the likelihood cannot be evaluated has a zero gradient and "converges" at once.
                return result.ReasonForExit is ExitCondition.RelativeGradient or ExitCondition.AbsoluteGradient
                    && result.FunctionInfoAtMinimum.Value < double.MaxValue;
            }
            catch (OptimizationException)
            {
                return false;
            }
        }

        public void Simplex(Vector<double> start)
        {
            var function = ObjectiveFunction.Value(Value);
            var simplex = new NelderMeadSimplex(SimplexTolerance, MaximumSimplexEvaluations);
            var previous = double.PositiveInfinity;
            for (var run = 0; run < MaximumSimplexRestarts; run++)
            {
                try
                {
                    simplex.FindMinimum(function, start, Vector<double>.Build.Dense(dimension, run == 0 ? 0.5 : 0.1));
                }
                catch (OptimizationException)
                {
                    // Carry on from the best point seen so far.
                }

                if (BestPoint is null || previous - BestValue <= SimplexTolerance * Math.Abs(BestValue))
                {
                    return;
                }

                previous = BestValue;
                start = Vector<double>.Build.DenseOfArray(BestPoint);
            }
        }

        private double Value(Vector<double> logs) => Evaluate(logs, withGradient: false);

        private (double, Vector<double>) ValueAndGradient(Vector<double> logs)
        {
            var value = Evaluate(logs, withGradient: true);
            var gradient = Vector<double>.Build.Dense(dimension);
            if (value < double.MaxValue)
            {
                // d/d ln θ = θ · d/dθ, and the sign for −LL.
                for (var i = 0; i < dimension; i++)
                {
                    gradient[i] = -_parameters[i] * _gradient[i];
                }
            }

            return (value, gradient);
        }

        /// <summary>
        /// −LL at exp(logs); a point outside the search box or where −LL is not finite gets the largest finite value
        /// and (with the gradient) a zero gradient, so a line search backs off from it and the simplex shrinks away
        /// from it instead of failing.
        /// </summary>
        private double Evaluate(Vector<double> logs, bool withGradient)
        {
            Evaluations++;
            for (var i = 0; i < dimension; i++)
            {
                if (!(Math.Abs(logs[i] - _origin[i]) <= MaximumLogDistance))
                {
                    return double.MaxValue;
                }

                _parameters[i] = Math.Exp(logs[i]);
            }

            var value = -logLikelihood(_parameters, withGradient ? _gradient : []);
            var usable = double.IsFinite(value) && Array.TrueForAll(_parameters, p => p > 0 && double.IsFinite(p));
            if (usable && withGradient)
            {
                usable = Array.TrueForAll(_gradient, double.IsFinite);
            }

            if (!usable)
            {
                return double.MaxValue;
            }

            if (value < BestValue)
            {
                BestValue = value;
                BestPoint = logs.ToArray();
            }

            return value;
        }
    }
}
