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
/// <param name="EncodingHint">Set only when a few characters force an otherwise GSM-7 text into UCS-2: which, and what
/// the text would cost without them (see <see cref="SmsEconomics.Hint"/>).</param>
public sealed record SmsEstimate(
    string Encoding, int Units, int Segments, IReadOnlyList<string> ForcingCharacters, decimal? Cost, string Currency, string? Warning,
    string? EncodingHint = null);

public static class SmsEconomics
{
    /// <summary>At most this many different characters may force UCS-2 for the text to count as GSM-7 "but for them".</summary>
    public const int HintMaxCharacters = 3;

    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>GSM-7 characters that look like (or stand for) characters outside it: what to type instead.</summary>
    private static readonly Dictionary<string, string> Gsm7LookAlikes = new(StringComparer.Ordinal)
    {
        ["А"] = "A", ["В"] = "B", ["Е"] = "E", ["К"] = "K", ["М"] = "M", ["Н"] = "H", ["О"] = "O", ["Р"] = "P", ["С"] = "C",
        ["Т"] = "T", ["Х"] = "X", ["а"] = "a", ["е"] = "e", ["о"] = "o", ["р"] = "p", ["с"] = "c", ["у"] = "y", ["х"] = "x",
        ["«"] = "\"", ["»"] = "\"", ["„"] = "\"", ["“"] = "\"", ["”"] = "\"", ["‘"] = "'", ["’"] = "'", ["‚"] = "'",
        ["—"] = "-", ["–"] = "-", ["−"] = "-", ["…"] = "...", ["№"] = "N", ["\u00A0"] = " ", ["\u2009"] = " ", ["\u202F"] = " ",
    };

    public static SmsEstimate Estimate(string text, SmsEconomicsOptions options)
    {
        var count = SmsSegments.Count(text);
        var cost = options.PricePerSegment is { } price ? count.Segments * price : (decimal?)null;
        var hint = Hint(text, count);
        return new SmsEstimate(
            count.Encoding, count.Units, count.Segments, count.ForcingCharacters, cost, options.Currency, Warning(count, cost, options, hint), hint?.Text);
    }

    /// <summary>
    /// The hint "UCS-2 из-за символов …", only for a text that would be GSM-7 but for a few characters: at most
    /// <see cref="HintMaxCharacters"/> different ones, together at most a quarter of the text. A Russian text is UCS-2
    /// by its nature and gets no hint; a Latin one with a Cyrillic "А", a «», an em dash or an emoji does.
    /// </summary>
    public static SmsHint? Hint(string text, SmsSegmentCount count)
    {
        if (count.Encoding != "ucs2" || count.ForcingCharacters.Count is 0 or > HintMaxCharacters)
        {
            return null;
        }

        var occurrences = count.ForcingCharacters.Sum(c => Occurrences(text, c));
        var characters = text.EnumerateRunes().Count();
        if (occurrences * 4 > characters)
        {
            return null;
        }

        var replaced = count.ForcingCharacters.Aggregate(text, (t, c) => t.Replace(c, Gsm7LookAlikes.GetValueOrDefault(c, ""), StringComparison.Ordinal));
        var gsm7 = SmsSegments.Count(replaced);
        if (gsm7.Encoding != "gsm7")
        {
            return null;
        }

        var list = string.Join(", ", count.ForcingCharacters.Select(Show));
        var one = count.ForcingCharacters.Count == 1;
        var parts = gsm7.Segments < count.Segments
            ? $"{gsm7.Segments} SMS вместо {count.Segments}"
            : $"столько же SMS ({count.Segments}), но 160 символов в SMS вместо 70";
        var swaps = count.ForcingCharacters.Where(Gsm7LookAlikes.ContainsKey).Select(c => $"{Show(c)} → «{Gsm7LookAlikes[c]}»").ToList();
        var swap = swaps.Count == 0 ? "" : $" Замените: {string.Join(", ", swaps)}.";
        return new SmsHint(
            $"UCS-2 из-за {(one ? "символа" : "символов")} {list}: без {(one ? "него" : "них")} текст был бы в GSM-7 — {parts}.{swap}",
            gsm7.Segments);
    }

    private static int Occurrences(string text, string character)
    {
        var n = 0;
        for (var at = text.IndexOf(character, StringComparison.Ordinal); at >= 0; at = text.IndexOf(character, at + character.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    /// <summary>«А»; a guillemet in single ones (‹«›); a space that is not a plain space is named, since it cannot be seen.</summary>
    private static string Show(string character) => character switch
    {
        "«" or "»" => $"‹{character}›",
        "\u00A0" => "«неразрывный пробел»",
        "\u2009" or "\u202F" => "«узкий пробел»",
        _ => $"«{character}»",
    };

    private static string? Warning(SmsSegmentCount count, decimal? cost, SmsEconomicsOptions options, SmsHint? hint)
    {
        if (count.Segments <= options.WarnAboveSegments)
        {
            return null;
        }

        var price = cost is { } c ? $" (стоимость {c.ToString("0.##", Russian)} {options.Currency} за сообщение)" : "";
        var why = hint is not null
            ? $"; текст в UCS-2 (70 символов в одной SMS) из-за {string.Join(", ", count.ForcingCharacters.Select(Show))}"
            : "";
        return $"Текст займёт {count.Segments} SMS — больше {options.WarnAboveSegments}{price}{why}.";
    }
}

/// <param name="Text">The hint, in Russian.</param>
/// <param name="Gsm7Segments">The parts the text would take in GSM-7, without those characters.</param>
public sealed record SmsHint(string Text, int Gsm7Segments);
