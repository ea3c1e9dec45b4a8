namespace Comms.Audience.Features.Value;

/// <summary>What a customer is expected to bring over a horizon.</summary>
/// <param name="ExpectedTransactions">Visits expected within the horizon (BG/NBD).</param>
/// <param name="Value">Their expected value, undiscounted: visits × expected spend per visit.</param>
/// <param name="DiscountedValue">The same, each period's share discounted to the end of the history.</param>
public sealed record CustomerValueEstimate(double ExpectedTransactions, double Value, double DiscountedValue);

/// <summary>
/// Customer value in money: BG/NBD's expected visits times Gamma-Gamma's expected spend per visit, over a horizon and
/// discounted; and the simple seed formula a clinic can use before it has the history to fit the models.
/// </summary>
public static class CustomerValue
{
    /// <summary>Days in a year, for converting an annual discount rate and visits per year.</summary>
    public const double DaysPerYear = 365.0;

    /// <summary>
    /// The expected value of the customer's visits in the <paramref name="horizonDays"/> after the end of their
    /// history. The horizon is cut into periods of <paramref name="periodDays"/> (the last one shorter if it does not
    /// divide evenly); period k holds E[Y(tₖ)] − E[Y(tₖ₋₁)] visits, whose value is discounted by
    /// (1 + annual rate)^−(tₖ/365), i.e. as if paid at the period's end (the usual convention of discrete CLV formulas;
    /// shorter periods approach continuous discounting). Spend is independent of timing in the model, so one expected
    /// spend per visit serves every period.
    /// </summary>
    /// <param name="model">The fitted BG/NBD parameters (days).</param>
    /// <param name="customer">The customer's history up to now.</param>
    /// <param name="expectedSpendPerVisit">
    /// E[M] for this customer, normally <see cref="GammaGamma.ExpectedAverageValue"/>; non-negative.
    /// </param>
    /// <param name="horizonDays">How far ahead to count, positive.</param>
    /// <param name="annualDiscountRate">The annual discount rate, e.g. 0.15 for 15 % a year; ≥ 0.</param>
    /// <param name="periodDays">The period length for discounting, positive; 30 by default (a month).</param>
    public static CustomerValueEstimate Over(
        BgNbdParameters model,
        CustomerHistory customer,
        double expectedSpendPerVisit,
        double horizonDays,
        double annualDiscountRate,
        double periodDays = 30)
    {
        RequireNonNegative(expectedSpendPerVisit, nameof(expectedSpendPerVisit));
        RequirePositive(horizonDays, nameof(horizonDays));
        RequireNonNegative(annualDiscountRate, nameof(annualDiscountRate));
        RequirePositive(periodDays, nameof(periodDays));

        // Per day: (1+rate)^(1/365); discounting by it for t days is (1+rate)^−(t/365).
        var lnDailyFactor = Math.Log(1.0 + annualDiscountRate) / DaysPerYear;
        double previousEnd = 0, previousExpected = 0, discountedTransactions = 0;
        while (previousEnd < horizonDays)
        {
            var end = Math.Min(previousEnd + periodDays, horizonDays);
            var expected = BgNbd.ExpectedTransactions(model, customer, end);
            discountedTransactions += (expected - previousExpected) * Math.Exp(-lnDailyFactor * end);
            previousEnd = end;
            previousExpected = expected;
        }

        return new CustomerValueEstimate(
            previousExpected,
            previousExpected * expectedSpendPerVisit,
            discountedTransactions * expectedSpendPerVisit);
    }

    /// <summary>
    /// The seed formula for a clinic without enough history for the models: average check × visits per year × expected
    /// lifetime in years, undiscounted. How long a patient is expected to stay is the service's call (the clinic's own
    /// figure, or the mean lifetime from a fit); it is an input here.
    /// </summary>
    /// <param name="averageCheck">Mean revenue per visit, ≥ 0.</param>
    /// <param name="visitsPerYear">Mean visits of a patient per year while they remain a patient, ≥ 0.</param>
    /// <param name="expectedLifetimeYears">Expected years a patient remains one, ≥ 0.</param>
    public static double SimpleLifetimeValue(double averageCheck, double visitsPerYear, double expectedLifetimeYears)
    {
        RequireNonNegative(averageCheck, nameof(averageCheck));
        RequireNonNegative(visitsPerYear, nameof(visitsPerYear));
        RequireNonNegative(expectedLifetimeYears, nameof(expectedLifetimeYears));
        return averageCheck * visitsPerYear * expectedLifetimeYears;
    }

    private static void RequireNonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "The value must be finite and non-negative.");
        }
    }

    private static void RequirePositive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "The value must be finite and positive.");
        }
    }
}
