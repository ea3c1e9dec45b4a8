using Comms.Audience.Features.Value;

namespace Comms.Audience.Tests.Value;

public sealed class Hypergeometric2F1Tests
{
    private const double Relative = 1e-13;

    [Fact]
    public void Near_zero_it_is_its_leading_terms()
    {
        // −ln(1−z)/z itself loses digits in double at this z; its Taylor series does not.
        const double z = 1e-6;
        AssertClose(1 + z / 2 + z * z / 3 + z * z * z / 4, Hypergeometric2F1.Value(1, 1, 2, z));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    [InlineData(0.999)]
    public void One_one_two_is_minus_log_of_one_minus_z_over_z(double z) =>
        AssertClose(-Math.Log(1 - z) / z, Hypergeometric2F1.Value(1, 1, 2, z));

    [Theory]
    [InlineData(-0.5)]
    [InlineData(-1)]
    [InlineData(-3)]
    [InlineData(-250)]
    public void One_one_two_at_negative_z_is_log_of_one_plus_its_magnitude_over_it(double z) =>
        AssertClose(Math.Log(1 - z) / -z, Hypergeometric2F1.Value(1, 1, 2, z));

    [Theory]
    [InlineData(0.7, 2.3, 0.3)]
    [InlineData(0.7, 2.3, 0.95)]
    [InlineData(-1.5, 0.4, 0.9)]
    [InlineData(3.2, 5.0, -2)]
    [InlineData(0.243, 2.426, -0.6)]
    public void With_c_equal_to_b_it_is_a_power_of_one_minus_z(double a, double b, double z) =>
        AssertClose(Math.Pow(1 - z, -a), Hypergeometric2F1.Value(a, b, b, z));

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public void Half_half_three_halves_at_z_squared_is_arcsin_over_z(double z) =>
        AssertClose(Math.Asin(z) / z, Hypergeometric2F1.Value(0.5, 0.5, 1.5, z * z));

    [Theory]
    [InlineData(0.5)]
    [InlineData(2)]
    [InlineData(10)]
    public void Half_half_three_halves_at_minus_z_squared_is_arsinh_over_z(double z) =>
        AssertClose(Math.Asinh(z) / z, Hypergeometric2F1.Value(0.5, 0.5, 1.5, -z * z));

    [Theory]
    [InlineData(0.3, 0.95)]
    [InlineData(1.7, 0.95)]
    [InlineData(0.3, 0.2)]
    public void A_one_minus_a_three_halves_at_sin_squared_is_a_ratio_of_sines(double a, double sinSquared)
    {
        // 2F1(a, 1−a; 3/2; sin²x) = sin((2a−1)x) / ((2a−1) sin x): a non-elementary pair of parameters near z = 1.
        var x = Math.Asin(Math.Sqrt(sinSquared));
        AssertClose(Math.Sin((2 * a - 1) * x) / ((2 * a - 1) * Math.Sin(x)), Hypergeometric2F1.Value(a, 1 - a, 1.5, sinSquared), 1e-12);
    }

    [Theory]
    [InlineData(0.25, 0.95)]
    [InlineData(1.3, 0.9)]
    [InlineData(0.25, 0.99)]
    public void A_a_plus_half_one_half_at_z_squared_is_the_mean_of_two_powers(double a, double z) =>
        AssertClose(
            (Math.Pow(1 + z, -2 * a) + Math.Pow(1 - z, -2 * a)) / 2,
            Hypergeometric2F1.Value(a, a + 0.5, 0.5, z * z),
            1e-12);

    [Fact]
    public void A_non_positive_integer_a_makes_a_polynomial()
    {
        const double b = 1.7, c = 0.3, z = -4.5;
        var expected = 1 - 2 * b * z / c + b * (b + 1) * z * z / (c * (c + 1));
        AssertClose(expected, Hypergeometric2F1.Value(-2, b, c, z));
        AssertClose(1 - 3 * 0.4 * 0.8 / 2.5 + 3 * 0.4 * 1.4 * 0.64 / (2.5 * 3.5) - 0.4 * 1.4 * 2.4 * 0.512 / (2.5 * 3.5 * 4.5),
            Hypergeometric2F1.Value(-3, 0.4, 2.5, 0.8));
    }

    [Fact]
    public void At_zero_it_is_one() => Assert.Equal(1.0, Hypergeometric2F1.Value(3.1, -0.4, 0.7, 0));

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void An_argument_at_or_beyond_one_or_not_finite_is_refused(double z) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric2F1.Value(1, 1, 2, z));

    [Fact]
    public void A_non_positive_integer_c_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric2F1.Value(0.5, 0.5, -2, 0.3));

    [Fact]
    public void An_argument_too_close_to_one_for_the_term_cap_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Hypergeometric2F1.Value(1, 1, 2, 1 - 1e-9));

    [Theory]
    [InlineData(0.7, 2.3, 1.9, 0.6)]
    [InlineData(-0.5, 0.8, 3.2, 0.95)]
    public void The_excess_over_b_is_the_function_less_one_divided_by_b(double a, double b, double c, double z) =>
        AssertClose((Hypergeometric2F1.Value(a, b, c, z) - 1) / b, Hypergeometric2F1.ExcessOverB(a, b, c, z), 1e-12);

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.95)]
    public void The_excess_over_b_stays_exact_at_b_zero(double z)
    {
        // (2F1(c, b; c; z) − 1)/b = ((1−z)^−b − 1)/b → −ln(1−z) as b → 0.
        AssertClose(-Math.Log(1 - z), Hypergeometric2F1.ExcessOverB(2.5, 0, 2.5, z));
        AssertClose(-Math.Log(1 - z), Hypergeometric2F1.ExcessOverB(2.5, 1e-12, 2.5, z), 1e-11);
    }

    private static void AssertClose(double expected, double actual, double relative = Relative) =>
        Assert.True(
            Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");
}
