using Comms.ServiceDefaults.Sms;
using System.ComponentModel.DataAnnotations;
using Comms.Templating.Features.Rendering;

namespace Comms.Templating.Tests;

public sealed class SmsEconomicsTests
{
    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Gsm7_is_160_in_one_sms_and_153_per_part(int length, int segments)
    {
        var count = SmsSegments.Count(new string('a', length));

        Assert.Equal("gsm7", count.Encoding);
        Assert.Equal(length, count.Units);
        Assert.Equal(segments, count.Segments);
        Assert.Empty(count.ForcingCharacters);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2_is_70_in_one_sms_and_67_per_part(int length, int segments)
    {
        var count = SmsSegments.Count(new string('я', length));

        Assert.Equal("ucs2", count.Encoding);
        Assert.Equal(length, count.Units);
        Assert.Equal(segments, count.Segments);
    }

    [Fact]
    public void An_extension_character_counts_two_and_can_push_a_text_past_one_sms()
    {
        var fits = SmsSegments.Count(new string('a', 158) + "€");
        var overflows = SmsSegments.Count(new string('a', 159) + "{");

        Assert.Equal((160, 1), (fits.Units, fits.Segments));
        Assert.Equal((161, 2), (overflows.Units, overflows.Segments));
        Assert.Equal("gsm7", overflows.Encoding);
    }

    [Fact]
    public void An_extension_character_is_not_split_across_parts()
    {
        // 152 + 2 + 152 = 306 septets, two parts by arithmetic; "{" does not fit the 153rd septet, so it opens part two.
        var count = SmsSegments.Count(new string('a', 152) + "{" + new string('a', 152));

        Assert.Equal(306, count.Units);
        Assert.Equal(3, count.Segments);
    }

    [Fact]
    public void An_emoji_is_two_ucs2_units_and_is_not_split_across_parts()
    {
        var fits = SmsSegments.Count(new string('я', 68) + "😀");
        var overflows = SmsSegments.Count(new string('я', 69) + "😀");
        // 66 + 2 + 66 = 134 units, two parts by arithmetic; the pair does not fit the 67th unit, so it opens part two.
        var atBoundary = SmsSegments.Count(new string('я', 66) + "😀" + new string('я', 66));

        Assert.Equal((70, 1), (fits.Units, fits.Segments));
        Assert.Equal((71, 2), (overflows.Units, overflows.Segments));
        Assert.Equal((134, 3), (atBoundary.Units, atBoundary.Segments));
        Assert.Equal(["я", "😀"], atBoundary.ForcingCharacters);
    }

    [Fact]
    public void One_cyrillic_letter_in_latin_text_forces_ucs2_and_is_named()
    {
        // The "А" of "Аnna" is Cyrillic.
        var text = "Dear Аnna, your visit is on 24.11 at 10:30. Reply 1 to confirm, 2 to cancel. Clinic on Lenina street";

        var count = SmsSegments.Count(text);

        Assert.Equal("ucs2", count.Encoding);
        Assert.Equal(["А"], count.ForcingCharacters);
        Assert.Equal(2, count.Segments);
        Assert.Equal(1, SmsSegments.Count(text.Replace('А', 'A')).Segments);
    }

    [Fact]
    public void Empty_text_takes_no_sms()
    {
        Assert.Equal(0, SmsSegments.Count("").Segments);
    }

    [Fact]
    public void Cost_is_segments_times_the_price_and_a_long_text_is_warned_about()
    {
        var options = new SmsEconomicsOptions { PricePerSegment = 4.5m, WarnAboveSegments = 2 };

        var two = SmsEconomics.Estimate(new string('я', 134), options);
        var three = SmsEconomics.Estimate(new string('я', 135), options);

        Assert.Equal((9.0m, "RUB"), (two.Cost, two.Currency));
        Assert.Null(two.Warning);
        Assert.Equal(13.5m, three.Cost);
        Assert.Contains("3 SMS", three.Warning);
        Assert.Contains("13,5 RUB", three.Warning);
    }

    [Fact]
    public void Without_a_price_there_is_no_cost()
    {
        var estimate = SmsEconomics.Estimate("Hello", new SmsEconomicsOptions());

        Assert.Null(estimate.Cost);
        Assert.Equal("RUB", estimate.Currency);
    }

    [Fact]
    public void A_currency_that_is_not_an_iso_code_is_refused_naming_the_setting()
    {
        var options = new SmsEconomicsOptions { Currency = "руб." };
        var results = new List<ValidationResult>();

        var valid = Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);

        Assert.False(valid);
        Assert.Contains("Templating:Sms:Currency", Assert.Single(results).ErrorMessage);
    }
}
