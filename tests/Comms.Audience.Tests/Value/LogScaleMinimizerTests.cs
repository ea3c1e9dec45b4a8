using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class LogScaleMinimizerTests
{
    [Fact]
    public void With_a_gradient_it_finds_the_maximum_of_a_smooth_likelihood()
    {
        // Maximum at θ = (e, 1/e²).
        var result = LogScaleMinimizer.Maximize(
            (p, gradient) =>
            {
                var u = Math.Log(p[0]) - 1;
                var v = Math.Log(p[1]) + 2;
                if (!gradient.IsEmpty)
                {
                    gradient[0] = -2 * u / p[0];
                    gradient[1] = -2 * v / p[1];
                }

                return -(u * u) - (v * v);
            },
            [[1.0, 1.0]]);

        Assert.Equal(Math.E, result.Parameters[0], 1e-6);
        Assert.Equal(Math.Exp(-2), result.Parameters[1], 1e-7);
    }

    [Fact]
    public void When_the_gradient_is_unusable_the_simplex_takes_over()
    {
        var result = LogScaleMinimizer.Maximize(
            (p, gradient) =>
            {
                gradient.Fill(double.NaN);
                var u = Math.Log(p[0]) - 1;
                return -(u * u);
            },
            [[1.0]]);

        Assert.Equal(Math.E, result.Parameters[0], 1e-5);
    }

    [Fact]
    public void A_likelihood_growing_without_bound_is_followed_only_so_far_from_the_start()
    {
        var result = LogScaleMinimizer.Maximize(
            (p, gradient) =>
            {
                if (!gradient.IsEmpty)
                {
                    gradient[0] = 1 / p[0];
                }

                return Math.Log(p[0]);
            },
            [[3.0]]);

        Assert.True(double.IsFinite(result.LogLikelihood));
        Assert.InRange(result.Parameters[0], 3.0, 3.0 * Math.Exp(20) * (1 + 1e-9));
    }
}
