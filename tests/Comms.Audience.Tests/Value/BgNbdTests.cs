using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class BgNbdTests(ITestOutputHelper output)
{
    // The CDNOW estimates in days (α = 4.414 weeks × 7).
    private static readonly BgNbdParameters Cdnow = new(0.243, 30.898, 0.793, 2.426);

    [Fact]
    public void A_customer_without_repeat_visits_is_alive_and_one_long_silent_after_many_is_probably_not()
    {
        Assert.Equal(1.0, BgNbd.ProbabilityAlive(Cdnow, new CustomerHistory(0, 0, 300)));

        var recent = BgNbd.ProbabilityAlive(Cdnow, new CustomerHistory(10, 290, 300));
        var silent = BgNbd.ProbabilityAlive(Cdnow, new CustomerHistory(10, 30, 300));
        Assert.InRange(recent, 0.9, 1.0);
        Assert.InRange(silent, 0.0, 0.01);
        var odds = 0.793 / (2.426 + 10 - 1) * Math.Pow((30.898 + 300) / (30.898 + 30), 0.243 + 10);
        Assert.Equal(1 / (1 + odds), silent, 12);
    }

    [Fact]
    public void A_fit_with_dropout_parameters_in_the_millions_still_gives_expected_visits()
    {
        // What a clinic of regular patients fits to (a and b near the search bound): the dropout probability is then
        // all but fixed at p = a/(a+b), and a customer without repeats expects (1 − ((α+T)/(α+T+p·t))^r)/p visits in t.
        var model = new BgNbdParameters(1.3038511089579132, 386.1931845085498, 2694939.2141306736, 128737882.25405848);
        var p = model.A / (model.A + model.B);

        var expected = BgNbd.ExpectedTransactions(model, new CustomerHistory(0, 0, 654), 30);

        var limit = (1 - Math.Pow((model.Alpha + 654) / (model.Alpha + 654 + p * 30), model.R)) / p;
        Assert.Equal(limit, expected, limit * 1e-3);
    }

    [Fact]
    public void The_total_log_likelihood_is_the_sum_over_customers()
    {
        var customers = Simulated.BgNbdCustomers(Cdnow, 2_000, 365, seed: 1)
            .Concat([new CustomerHistory(0, 0, 100), new CustomerHistory(0, 0, 100), new CustomerHistory(3, 50, 100)])
            .ToArray();

        var sum = customers.Sum(c => BgNbd.LogLikelihood(Cdnow, c));

        Assert.Equal(sum, BgNbd.LogLikelihood(Cdnow, customers), 8);
    }

    [Fact]
    public void The_log_likelihood_is_equation_6_of_the_paper()
    {
        var (r, alpha, a, b) = (Cdnow.R, Cdnow.Alpha, Cdnow.A, Cdnow.B);
        const int x = 4;
        const double tx = 120, t = 250;
        var a1 = Math.Exp(MathNet.Numerics.SpecialFunctions.GammaLn(r + x) - MathNet.Numerics.SpecialFunctions.GammaLn(r)) * Math.Pow(alpha, r);
        var a2 = Math.Exp(MathNet.Numerics.SpecialFunctions.BetaLn(a, b + x) - MathNet.Numerics.SpecialFunctions.BetaLn(a, b));
        var a3 = Math.Pow(alpha + t, -(r + x));
        var a4 = a / (b + x - 1) * Math.Pow(alpha + tx, -(r + x));

        Assert.Equal(Math.Log(a1 * a2 * (a3 + a4)), BgNbd.LogLikelihood(Cdnow, new CustomerHistory(x, tx, t)), 10);
    }

    [Fact]
    public void The_likelihood_gradient_the_fit_follows_matches_finite_differences()
    {
        var customers = Simulated.BgNbdCustomers(Cdnow, 3_000, 365, seed: 7);
        var likelihood = BgNbdLikelihood.Of(customers);
        double[] at = [0.4, 25, 1.3, 1.8];
        var gradient = new double[4];

        var value = likelihood.Evaluate(at[0], at[1], at[2], at[3], gradient);

        Assert.Equal(likelihood.Evaluate(at[0], at[1], at[2], at[3]), value, 9);
        for (var i = 0; i < 4; i++)
        {
            var h = 1e-5 * at[i];
            double[] up = [.. at], down = [.. at];
            up[i] += h;
            down[i] -= h;
            var numeric = (likelihood.Evaluate(up[0], up[1], up[2], up[3]) - likelihood.Evaluate(down[0], down[1], down[2], down[3])) / (2 * h);
            Assert.Equal(numeric, gradient[i], 1e-6 * Math.Max(1, Math.Abs(numeric)));
        }
    }

    [Theory]
    [InlineData(0, 0, 0, 365)]
    [InlineData(0, 0, 200, 90)]
    [InlineData(2, 213, 272, 273)]
    [InlineData(7, 100, 272, 30)]
    [InlineData(25, 260, 272, 1000)]
    public void The_conditional_expectation_is_equation_10_of_the_paper(int x, double tx, double t, double days)
    {
        foreach (var model in new[] { Cdnow, Cdnow with { A = 2.5 }, Cdnow with { R = 1.7, B = 0.6 } })
        {
            var (r, alpha, a, b) = (model.R, model.Alpha, model.A, model.B);
            var z = days / (alpha + t + days);
            var bracket = 1 - Math.Pow((alpha + t) / (alpha + t + days), r + x)
                * Hypergeometric2F1.Value(r + x, b + x, a + b + x - 1, z);
            var denominator = 1 + (x > 0 ? a / (b + x - 1) * Math.Pow((alpha + t) / (alpha + tx), r + x) : 0);
            var expected = (a + b + x - 1) / (a - 1) * bracket / denominator;

            var actual = BgNbd.ExpectedTransactions(model, new CustomerHistory(x, tx, t), days);

            Assert.True(Math.Abs(actual - expected) <= 1e-10 * Math.Abs(expected), $"{model}: {expected:R} vs {actual:R}");
        }
    }

    [Fact]
    public void The_expectations_are_continuous_through_a_equal_to_one()
    {
        var customer = new CustomerHistory(3, 150, 272);
        foreach (var (a, h) in new[] { (1.0, 1e-4), (1.0, 1e-7) })
        {
            var below = BgNbd.ExpectedTransactions(Cdnow with { A = a - h }, customer, 365);
            var at = BgNbd.ExpectedTransactions(Cdnow with { A = a }, customer, 365);
            var above = BgNbd.ExpectedTransactions(Cdnow with { A = a + h }, customer, 365);
            Assert.InRange(at, Math.Min(below, above), Math.Max(below, above));
            Assert.Equal((below + above) / 2, at, 7);
        }
    }

    [Fact]
    public void A_new_customer_starts_at_rate_r_over_alpha_and_the_conditional_formula_agrees_at_the_start()
    {
        // E[X(t)] = E[λ]t − E[λ²]E[p]t²/2 + …: the relative second-order term here is about 5e-7.
        var rate = BgNbd.ExpectedTransactionsOfNewCustomer(Cdnow, 1e-4) / 1e-4;
        Assert.Equal(Cdnow.R / Cdnow.Alpha, rate, 1e-6 * Cdnow.R / Cdnow.Alpha);

        var direct = (Cdnow.A + Cdnow.B - 1) / (Cdnow.A - 1) * (1 - Math.Pow(Cdnow.Alpha / (Cdnow.Alpha + 365), Cdnow.R)
            * Hypergeometric2F1.Value(Cdnow.R, Cdnow.B, Cdnow.A + Cdnow.B - 1, 365 / (Cdnow.Alpha + 365)));
        Assert.Equal(direct, BgNbd.ExpectedTransactionsOfNewCustomer(Cdnow, 365), 12);
        Assert.Equal(0.0, BgNbd.ExpectedTransactionsOfNewCustomer(Cdnow, 0));
    }

    [Fact]
    public void Expected_visits_grow_with_the_horizon_and_a_negative_horizon_is_refused()
    {
        var customer = new CustomerHistory(4, 200, 272);
        var previous = 0.0;
        foreach (var days in new[] { 1.0, 7, 30, 90, 365, 3650 })
        {
            var expected = BgNbd.ExpectedTransactions(Cdnow, customer, days);
            Assert.True(expected > previous);
            previous = expected;
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => BgNbd.ExpectedTransactions(Cdnow, customer, -1));
    }

    [Fact]
    public void The_unit_of_time_changes_alpha_and_the_likelihood_by_x_ln_7_but_no_expectation()
    {
        var inDays = new CustomerHistory(5, 140, 210);
        var inWeeks = new CustomerHistory(5, 20, 30);
        var weekly = Cdnow with { Alpha = Cdnow.Alpha / 7 };

        Assert.Equal(BgNbd.ExpectedTransactions(weekly, inWeeks, 10), BgNbd.ExpectedTransactions(Cdnow, inDays, 70), 12);
        Assert.Equal(BgNbd.ProbabilityAlive(weekly, inWeeks), BgNbd.ProbabilityAlive(Cdnow, inDays), 12);
        Assert.Equal(BgNbd.LogLikelihood(weekly, inWeeks) - 5 * Math.Log(7), BgNbd.LogLikelihood(Cdnow, inDays), 10);
    }

    [Fact]
    public void A_fit_of_200_000_simulated_customers_recovers_their_parameters()
    {
        var truth = new BgNbdParameters(0.6, 60, 0.6, 3.0);
        var customers = Simulated.BgNbdCustomers(truth, 200_000, 1095, seed: 42);

        var fit = BgNbdFitter.Fit(customers);

        output.WriteLine($"{fit.Parameters}, LL {fit.LogLikelihood:F2}, {fit.DistinctHistories} distinct histories, {fit.Evaluations} evaluations");
        Assert.True(fit.LogLikelihood >= BgNbd.LogLikelihood(truth, customers));
        Assert.Equal(truth.R, fit.Parameters.R, 0.05 * truth.R);
        Assert.Equal(truth.Alpha, fit.Parameters.Alpha, 0.05 * truth.Alpha);
        Assert.Equal(truth.A, fit.Parameters.A, 0.1 * truth.A);
        Assert.Equal(truth.B, fit.Parameters.B, 0.1 * truth.B);
    }
}
