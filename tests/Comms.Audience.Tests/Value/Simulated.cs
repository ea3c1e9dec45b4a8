using Comms.Audience.Features.Value;
using MathNet.Numerics.Distributions;

namespace Comms.Audience.Tests.Value;

/// <summary>Customer bases drawn from the models' own assumptions with a fixed seed, to check that fits recover them.</summary>
internal static class Simulated
{
    /// <summary>
    /// BG/NBD customers: rate λ ~ Gamma(r, α), dropout p ~ Beta(a, b); purchases a Poisson process of rate λ from the
    /// first one at time 0, dropping out right after each repeat purchase with probability p; observed for T days,
    /// uniform over [1, <paramref name="maxT"/>]. Times are continuous, so nearly every history is distinct: the fit's
    /// worst case for grouping.
    /// </summary>
    public static CustomerHistory[] BgNbdCustomers(BgNbdParameters model, int count, int maxT, int seed)
    {
        var random = new Random(seed);
        var customers = new CustomerHistory[count];
        for (var i = 0; i < count; i++)
        {
            var lambda = Gamma.Sample(random, model.R, model.Alpha);
            var p = Beta.Sample(random, model.A, model.B);
            double t = random.Next(1, maxT + 1), time = 0, tx = 0;
            var x = 0;
            while (true)
            {
                time += Exponential.Sample(random, lambda);
                if (time > t)
                {
                    break;
                }

                x++;
                tx = time;
                if (random.NextDouble() < p)
                {
                    break;
                }
            }

            customers[i] = new CustomerHistory(x, tx, t);
        }

        return customers;
    }

    /// <summary>
    /// Gamma-Gamma customers: ν ~ Gamma(q, γ), each of x ~ U{1..10} transaction values ~ Gamma(p, ν), and their mean.
    /// </summary>
    public static SpendHistory[] SpendCustomers(GammaGammaParameters model, int count, int seed)
    {
        var random = new Random(seed);
        var customers = new SpendHistory[count];
        for (var i = 0; i < count; i++)
        {
            var nu = Gamma.Sample(random, model.Q, model.Gamma);
            var x = random.Next(1, 11);
            double sum = 0;
            for (var k = 0; k < x; k++)
            {
                sum += Gamma.Sample(random, model.P, nu);
            }

            customers[i] = new SpendHistory(x, sum / x);
        }

        return customers;
    }
}
