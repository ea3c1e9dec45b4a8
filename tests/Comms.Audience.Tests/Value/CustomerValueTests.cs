using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class CustomerValueTests
{
    private static readonly BgNbdParameters Model = new(0.243, 30.898, 0.793, 2.426);
    private static readonly CustomerHistory Customer = new(4, 200, 272);

    [Fact]
    public void Without_discounting_the_value_is_the_expected_visits_times_the_spend()
    {
        var estimate = CustomerValue.Over(Model, Customer, 2500, 365, 0);

        var visits = BgNbd.ExpectedTransactions(Model, Customer, 365);
        Assert.Equal(visits, estimate.ExpectedTransactions, 12);
        Assert.Equal(visits * 2500, estimate.Value, 8);
        Assert.Equal(estimate.Value, estimate.DiscountedValue, 8);
    }

    [Fact]
    public void One_period_is_discounted_at_its_end()
    {
        var estimate = CustomerValue.Over(Model, Customer, 2500, 730, 0.15, periodDays: 730);

        Assert.Equal(estimate.Value / (1.15 * 1.15), estimate.DiscountedValue, 8);
    }

    [Fact]
    public void Periods_split_the_visits_and_a_shorter_last_period_is_counted()
    {
        var monthly = CustomerValue.Over(Model, Customer, 1000, 100, 0.15, periodDays: 30);

        // Periods end at 30, 60, 90 and 100 days.
        double expected = 0, previous = 0;
        foreach (var end in new[] { 30.0, 60, 90, 100 })
        {
            var cumulative = BgNbd.ExpectedTransactions(Model, Customer, end);
            expected += (cumulative - previous) * 1000 * Math.Pow(1.15, -end / 365);
            previous = cumulative;
        }

        Assert.Equal(expected, monthly.DiscountedValue, 8);
        Assert.Equal(BgNbd.ExpectedTransactions(Model, Customer, 100), monthly.ExpectedTransactions, 12);
    }

    [Fact]
    public void A_higher_rate_or_a_longer_horizon_changes_the_value_the_expected_way()
    {
        var low = CustomerValue.Over(Model, Customer, 1000, 1095, 0.05).DiscountedValue;
        var high = CustomerValue.Over(Model, Customer, 1000, 1095, 0.25).DiscountedValue;
        var longer = CustomerValue.Over(Model, Customer, 1000, 1825, 0.25).DiscountedValue;

        Assert.True(high < low);
        Assert.True(longer > high);
    }

    [Fact]
    public void Bad_inputs_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.Over(Model, Customer, -1, 365, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.Over(Model, Customer, 1, 0, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.Over(Model, Customer, 1, 365, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.Over(Model, Customer, 1, 365, 0.1, periodDays: 0));
    }

    [Fact]
    public void The_seed_formula_is_check_times_visits_per_year_times_years()
    {
        Assert.Equal(3000 * 4 * 2.5, CustomerValue.SimpleLifetimeValue(3000, 4, 2.5));
        Assert.Equal(0, CustomerValue.SimpleLifetimeValue(3000, 0, 2.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.SimpleLifetimeValue(-1, 4, 2.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => CustomerValue.SimpleLifetimeValue(3000, 4, double.PositiveInfinity));
    }
}
