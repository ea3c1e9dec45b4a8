using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class CustomerHistoryTests
{
    private static readonly DateOnly AsOf = new(2025, 6, 30);

    [Fact]
    public void Visits_on_one_day_are_one_transaction_and_the_first_is_not_a_repeat()
    {
        var history = CustomerHistory.FromVisitDays(
            [new(2025, 3, 10), new(2025, 1, 1), new(2025, 3, 10), new(2025, 2, 1)], AsOf);

        Assert.Equal(new CustomerHistory(2, 68, 180), history);
    }

    [Fact]
    public void Visits_after_the_observation_day_are_not_yet_known()
    {
        var history = CustomerHistory.FromVisitDays([new(2025, 6, 30), new(2025, 7, 1)], AsOf);

        Assert.Equal(new CustomerHistory(0, 0, 0), history);
    }

    [Fact]
    public void A_history_needs_a_visit_on_or_before_the_observation_day() =>
        Assert.Throws<ArgumentException>(() => CustomerHistory.FromVisitDays([new(2025, 7, 1)], AsOf));

    [Theory]
    [InlineData(-1, 0, 10)]
    [InlineData(1, 11, 10)]
    [InlineData(0, 3, 10)]
    [InlineData(1, -1, 10)]
    [InlineData(1, 1, double.NaN)]
    public void An_impossible_history_is_refused(int x, double tx, double t) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CustomerHistory(x, tx, t));
}
