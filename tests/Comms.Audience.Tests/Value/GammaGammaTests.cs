using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class GammaGammaTests(ITestOutputHelper output)
{
    private static readonly GammaGammaParameters Cdnow = new(6.25, 3.74, 15.44);

    [Theory]
    [InlineData(1, 20.0)]
    [InlineData(3, 35.5)]
    [InlineData(12, 8.0)]
    public void The_expected_spend_weighs_the_population_mean_against_the_customer_own(int x, double mean)
    {
        var (p, q, gamma) = (Cdnow.P, Cdnow.Q, Cdnow.Gamma);
        var weighted = (q - 1) / (p * x + q - 1) * (gamma * p / (q - 1)) + p * x / (p * x + q - 1) * mean;

        Assert.Equal(weighted, GammaGamma.ExpectedAverageValue(Cdnow, x, mean), 12);
        Assert.Equal(p * (gamma + mean * x) / (p * x + q - 1), GammaGamma.ExpectedAverageValue(Cdnow, x, mean), 12);
    }

    [Fact]
    public void Without_repeat_transactions_the_expected_spend_is_the_population_mean()
    {
        Assert.Equal(15.44 * 6.25 / 2.74, GammaGamma.PopulationMeanValue(Cdnow), 12);
        Assert.Equal(GammaGamma.PopulationMeanValue(Cdnow), GammaGamma.ExpectedAverageValue(Cdnow, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GammaGamma.PopulationMeanValue(Cdnow with { Q = 0.9 }));
    }

    [Fact]
    public void More_transactions_pull_the_expected_spend_towards_the_customer_own_mean()
    {
        var one = GammaGamma.ExpectedAverageValue(Cdnow, 1, 100);
        var ten = GammaGamma.ExpectedAverageValue(Cdnow, 10, 100);

        Assert.InRange(one, GammaGamma.PopulationMeanValue(Cdnow), ten);
        Assert.InRange(ten, one, 100);
    }

    [Fact]
    public void The_total_log_likelihood_is_the_sum_over_customers_and_its_gradient_matches_finite_differences()
    {
        var customers = Simulated.SpendCustomers(Cdnow, 2_000, seed: 3);
        var likelihood = GammaGammaLikelihood.Of(customers);
        double[] at = [4.0, 2.5, 20.0];
        var gradient = new double[3];

        var value = likelihood.Evaluate(at[0], at[1], at[2], gradient);

        var parameters = new GammaGammaParameters(at[0], at[1], at[2]);
        Assert.Equal(customers.Sum(c => GammaGamma.LogLikelihood(parameters, c)), value, 8);
        for (var i = 0; i < 3; i++)
        {
            var h = 1e-5 * at[i];
            double[] up = [.. at], down = [.. at];
            up[i] += h;
            down[i] -= h;
            var numeric = (likelihood.Evaluate(up[0], up[1], up[2]) - likelihood.Evaluate(down[0], down[1], down[2])) / (2 * h);
            Assert.Equal(numeric, gradient[i], 1e-6 * Math.Max(1, Math.Abs(numeric)));
        }
    }

    [Fact]
    public void The_likelihood_of_one_customer_is_the_density_of_their_mean()
    {
        // x = 1: the mean is one value, whose density is the Gamma-Gamma (compound) density
        // Γ(p+q)/(Γ(p)Γ(q)) · γ^q m^(p−1) / (γ+m)^(p+q).
        const double m = 27.0;
        var (p, q, gamma) = (Cdnow.P, Cdnow.Q, Cdnow.Gamma);
        var density = Math.Exp(MathNet.Numerics.SpecialFunctions.GammaLn(p + q) - MathNet.Numerics.SpecialFunctions.GammaLn(p)
            - MathNet.Numerics.SpecialFunctions.GammaLn(q)) * Math.Pow(gamma, q) * Math.Pow(m, p - 1) / Math.Pow(gamma + m, p + q);

        Assert.Equal(Math.Log(density), GammaGamma.LogLikelihood(Cdnow, new SpendHistory(1, m)), 10);
    }

    [Fact]
    public void A_fit_of_simulated_customers_recovers_their_parameters()
    {
        var truth = new GammaGammaParameters(3.0, 4.0, 6000);
        var customers = Simulated.SpendCustomers(truth, 50_000, seed: 11);

        var fit = GammaGammaFitter.Fit(customers);

        output.WriteLine($"{fit.Parameters}, LL {fit.LogLikelihood:F2} (at the truth {GammaGamma.LogLikelihood(truth, customers):F2}), {fit.Evaluations} evaluations");
        Assert.True(fit.LogLikelihood >= GammaGamma.LogLikelihood(truth, customers));
        Assert.Equal(truth.P, fit.Parameters.P, 0.05 * truth.P);

        // q and γ trade off against each other (the data pin down mainly γ/(q−1)), so each is looser than their ratio.
        Assert.Equal(truth.Q, fit.Parameters.Q, 0.1 * truth.Q);
        Assert.Equal(truth.Gamma, fit.Parameters.Gamma, 0.1 * truth.Gamma);
        Assert.Equal(GammaGamma.PopulationMeanValue(truth), GammaGamma.PopulationMeanValue(fit.Parameters), 0.02 * GammaGamma.PopulationMeanValue(truth));
    }

    [Fact]
    public void A_spend_history_needs_a_transaction_and_a_positive_mean()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpendHistory(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpendHistory(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpendHistory(1, double.NaN));
    }
}
