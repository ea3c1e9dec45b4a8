using Comms.ServiceDefaults.Sms;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Comms.Templating.Features.Rendering;

/// <summary>Templating:Sms — what an SMS part costs, so a marketer sees the price of a text before publishing it.</summary>
public sealed class SmsEconomicsOptions
{
    public const string Section = "Templating:Sms";

    /// <summary>The provider's price of one SMS part; unset means the preview shows no cost.</summary>
    [Range(typeof(decimal), "0", "1000000")]
    public decimal? PricePerSegment { get; set; }

    [Required]
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Templating:Sms:Currency must be an ISO 4217 code such as RUB.")]
    public string Currency { get; set; } = "RUB";

    /// <summary>A text longer than this many parts gets a warning in the preview.</summary>
    [Range(1, 20)]
    public int WarnAboveSegments { get; set; } = 2;
}

/// <summary>Segments, encoding and price of one SMS text.</summary>
public sealed record SmsEstimate(
    string Encoding, int Units, int Segments, IReadOnlyList<string> ForcingCharacters, decimal? Cost, string Currency, string? Warning);

public static class SmsEconomics
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    public static SmsEstimate Estimate(string text, SmsEconomicsOptions options)
    {
        var count = SmsSegments.Count(text);
        var cost = options.PricePerSegment is { } price ? count.Segments * price : (decimal?)null;
        return new SmsEstimate(
            count.Encoding, count.Units, count.Segments, count.ForcingCharacters, cost, options.Currency, Warning(count, cost, options));
    }

    private static string? Warning(SmsSegmentCount count, decimal? cost, SmsEconomicsOptions options)
    {
        if (count.Segments <= options.WarnAboveSegments)
        {
            return null;
        }

        var price = cost is { } c ? $" (стоимость {c.ToString("0.##", Russian)} {options.Currency} за сообщение)" : "";
        var why = count.Encoding == "ucs2" && count.ForcingCharacters.Count > 0
            ? $"; текст в UCS-2 (70 символов в одной SMS) из-за символов: {string.Join(" ", count.ForcingCharacters.Take(5))}"
            : "";
        return $"Текст займёт {count.Segments} SMS — больше {options.WarnAboveSegments}{price}{why}.";
    }
}
