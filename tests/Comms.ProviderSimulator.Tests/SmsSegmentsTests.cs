using Comms.ProviderSimulator.Segments;

namespace Comms.ProviderSimulator.Tests;

public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Latin_text_fits_160_in_one_part_and_153_per_part_after(int length, int segments)
    {
        var count = SmsSegments.Count(new string('a', length));

        Assert.Equal(SmsEncoding.Gsm7, count.Encoding);
        Assert.Equal(segments, count.Segments);
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Cyrillic_text_fits_70_in_one_part_and_67_per_part_after(int length, int segments)
    {
        var count = SmsSegments.Count(new string('Ж', length));

        Assert.Equal(SmsEncoding.Ucs2, count.Encoding);
        Assert.Equal(segments, count.Segments);
    }

    [Fact]
    public void One_non_gsm_character_makes_the_whole_text_ucs2()
    {
        var count = SmsSegments.Count(new string('a', 100) + "ё");

        Assert.Equal(SmsEncoding.Ucs2, count.Encoding);
        Assert.Equal(2, count.Segments);
    }

    [Fact]
    public void Gsm_extension_characters_count_twice()
    {
        Assert.Equal(1, SmsSegments.Count(new string('a', 158) + "€").Segments);
        Assert.Equal(2, SmsSegments.Count(new string('a', 159) + "{").Segments);
        Assert.Equal(SmsEncoding.Gsm7, SmsSegments.Count("[ok] ~ ^ | \\ }").Encoding);
    }

    [Fact]
    public void Emoji_outside_the_bmp_count_two_ucs2_units()
    {
        var count = SmsSegments.Count(new string('a', 68) + "😀");

        Assert.Equal(70, count.Units);
        Assert.Equal(1, count.Segments);
        Assert.Equal(2, SmsSegments.Count(new string('a', 69) + "😀").Segments);
    }
}
