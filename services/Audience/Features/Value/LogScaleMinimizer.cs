using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Comms.Audience.Features.Value;

/// <summary>
/// Maximum likelihood over positive parameters: MathNet's Nelder–Mead simplex on their logarithms, so every point it
/// tries is admissible and no bounds are needed. Several starts guard against a flat start; each run is restarted from
/// its own result until that no longer improves (a single simplex run can stall before the optimum, and a fresh simplex
/// around the point costs little).
/// </summary>
internal static class LogScaleMinimizer
{
    private const double Tolerance = 1e-12;
    private const int MaximumEvaluationsPerRun = 4_000;
    private const int MaximumRestarts = 20;

    /// <summary>The result: the parameters (not their logarithms), the minimum and the number of evaluations.</summary>
    public sealed record Result(double[] Parameters, double Minimum, int Evaluations);

    /// <param name="objective">
    /// The negative log-likelihood as a function of the parameters themselves (already exponentiated); a non-finite
    /// value marks a point as unusable.
    /// </param>
    /// <param name="starts">Starting parameter vectors, all entries positive.</param>
    public static Result Minimize(Func<double[], double> objective, IReadOnlyList<double[]> starts)
    {
        var dimension = starts[0].Length;
        var point = new double[dimension];
        var evaluations = 0;
        double[]? bestPoint = null;
        var bestValue = double.PositiveInfinity;

        double Evaluate(Vector<double> logs)
        {
            evaluations++;
            for (var i = 0; i < dimension; i++)
            {
                point[i] = Math.Exp(logs[i]);
            }

            var value = objective(point);
            if (!double.IsFinite(value))
            {
                return double.MaxValue;
            }

            if (value < bestValue)
            {
                bestValue = value;
                bestPoint = logs.ToArray();
            }

            return value;
        }

        var function = ObjectiveFunction.Value(Evaluate);
        var simplex = new NelderMeadSimplex(Tolerance, MaximumEvaluationsPerRun);
        var bestOverall = double.PositiveInfinity;
        double[]? bestOverallPoint = null;
        foreach (var start in starts)
        {
            bestValue = double.PositiveInfinity;
            bestPoint = null;
            var logs = Array.ConvertAll(start, Math.Log);
            var previous = double.PositiveInfinity;
            for (var run = 0; run < MaximumRestarts; run++)
            {
                try
                {
                    simplex.FindMinimum(function, Vector<double>.Build.DenseOfArray(logs), Perturbation(dimension, run));
                }
                catch (MaximumIterationsException)
                {
                    // Carry on from the best point seen so far.
                }

                if (bestPoint is null)
                {
                    break;
                }

                logs = bestPoint;
                if (previous - bestValue <= Tolerance * Math.Abs(bestValue))
                {
                    break;
                }

                previous = bestValue;
            }

            if (bestPoint is not null && bestValue < bestOverall)
            {
                bestOverall = bestValue;
                bestOverallPoint = bestPoint;
            }
        }

        if (bestOverallPoint is null)
        {
            throw new InvalidOperationException("The likelihood could not be evaluated at any starting point.");
        }

        return new Result(Array.ConvertAll(bestOverallPoint, Math.Exp), bestOverall, evaluations);
    }

    /// <summary>The first simplex spans a factor of e^0.5 in every parameter; a restart looks around its point.</summary>
    private static Vector<double> Perturbation(int dimension, int run) =>
        Vector<double>.Build.Dense(dimension, run == 0 ? 0.5 : 0.1);
}
