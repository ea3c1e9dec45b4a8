using Comms.ProviderSimulator.Phones;

namespace Comms.ProviderSimulator.Tests;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("8 (916) 123-45-67", "+79161234567")]
    [InlineData("+7 916 123 45 67", "+79161234567")]
    [InlineData("9161234567", "+79161234567")]
    [InlineData("79161234567", "+79161234567")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+49 1512 345678901", "+491512345678901")]
    public void Numbers_in_any_format_normalize_to_e164(string input, string e164)
    {
        Assert.True(PhoneNumber.TryNormalize(input, out var phone));
        Assert.Equal(e164, phone.E164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("8916123456")]
    [InlineData("1234567890123456")]
    [InlineData("not a phone")]
    public void Too_short_or_too_long_numbers_are_not_phones(string? input)
    {
        Assert.False(PhoneNumber.TryNormalize(input, out _));
    }

    [Fact]
    public void Masked_number_keeps_country_prefix_and_last_four_digits()
    {
        Assert.True(PhoneNumber.TryNormalize("+79161234567", out var phone));
        Assert.Equal("+7916***4567", phone.Masked);
    }
}
