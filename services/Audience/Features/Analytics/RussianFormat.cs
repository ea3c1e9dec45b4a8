using System.Globalization;

namespace Comms.Audience.Features.Analytics;

/// <summary>Numbers, money, dates and counted words as a Russian reader expects them («48 000 ₽», «30 июня 2026», «3 дня»).</summary>
public static class RussianFormat
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>Whole rubles with the group separator and a no-break space before the sign: «48 000 ₽».</summary>
    public static string Rubles(decimal amount) => $"{decimal.Round(amount, 0, MidpointRounding.AwayFromZero).ToString("N0", Culture)}\u00A0₽";

    public static string Number(int value) => value.ToString("N0", Culture);

    public static string Number(double value, string format) => value.ToString(format, Culture);

    /// <summary>A share as a percentage: «12 %», «0,5 %» below one per cent.</summary>
    public static string Percent(double share)
    {
        var percent = share * 100;
        return $"{percent.ToString(percent is > 0 and < 1 ? "0.#" : "0", Culture)}\u00A0%";
    }

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", Culture);

    /// <summary>«1 пациент», «3 пациента», «5 пациентов».</summary>
    public static string Count(int n, string one, string few, string many) => $"{Number(n)} {Plural(n, one, few, many)}";

    public static string Plural(long n, string one, string few, string many)
    {
        var (tens, units) = (Math.Abs(n) % 100, Math.Abs(n) % 10);
        return tens is >= 11 and <= 14 ? many : units == 1 ? one : units is >= 2 and <= 4 ? few : many;
    }

    /// <summary>«3 года», «2,7 года», «5 лет»: a fraction takes «года».</summary>
    public static string Years(double years)
    {
        var rounded = Math.Round(years, 1);
        return rounded == Math.Floor(rounded)
            ? $"{rounded.ToString("0", Culture)} {Plural((long)rounded, "год", "года", "лет")}"
            : $"{rounded.ToString("0.#", Culture)} года";
    }

    /// <summary>«1 день», «45 дней», «1 748 дней», «30,1 дня»: rounded to <paramref name="decimals"/> places; a fraction takes «дня».</summary>
    public static string Days(double days, int decimals = 1)
    {
        var rounded = Math.Round(days, decimals);
        var text = rounded.ToString(decimals == 0 ? "#,##0" : "#,##0." + new string('#', decimals), Culture);
        return rounded == Math.Floor(rounded) ? $"{text} {Plural((long)rounded, "день", "дня", "дней")}" : $"{text} дня";
    }
}
