using System.Globalization;
using Scriban.Runtime;

namespace Comms.Templating.Features.Rendering;

/// <summary>
/// The <c>ru</c> object of templates: dates, names and plurals the way a Russian message writes them.
/// Names are spelled out here rather than taken from the OS culture data, so a text never depends on the host's ICU.
/// A variable that is empty for a patient gives an empty result, so <c>if</c> around it still works.
/// </summary>
public static class RussianHelpers
{
    private static readonly string[] MonthsGenitive =
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

    private static readonly string[] Weekdays = ["воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"];

    private static readonly string[] WeekdaysShort = ["вс", "пн", "вт", "ср", "чт", "пт", "сб"];

    /// <summary>The read-only <c>ru</c> object, built once and shared by every render.</summary>
    public static ScriptObject Functions { get; } = Build();

    /// <summary><c>ru.date appointment.startsAt</c> → "24 ноября, вт, в 10:30" in the offset the model carries (the patient's).</summary>
    public static string Date(string? startsAt, string? zone = null) =>
        Parse(startsAt, zone) is { } t ? $"{DayMonth(t)}, {WeekdaysShort[(int)t.DayOfWeek]}, в {t:HH:mm}" : "";

    /// <summary><c>ru.day appointment.startsAt</c> → "24 ноября".</summary>
    public static string Day(string? startsAt, string? zone = null) => Parse(startsAt, zone) is { } t ? DayMonth(t) : "";

    /// <summary><c>ru.time appointment.startsAt</c> → "10:30".</summary>
    public static string Time(string? startsAt, string? zone = null) =>
        Parse(startsAt, zone) is { } t ? t.ToString("HH:mm", CultureInfo.InvariantCulture) : "";

    /// <summary><c>ru.weekday appointment.startsAt</c> → "вторник".</summary>
    public static string Weekday(string? startsAt, string? zone = null) => Parse(startsAt, zone) is { } t ? Weekdays[(int)t.DayOfWeek] : "";

    /// <summary><c>ru.name_patronymic patient.firstName patient.middleName</c> → "Анна Сергеевна"; the first name alone without a middle name.</summary>
    public static string NamePatronymic(string? firstName, string? middleName) =>
        string.IsNullOrWhiteSpace(firstName) ? "" : Join(firstName, middleName);

    /// <summary><c>ru.surname_name patient.lastName patient.firstName</c> → "Иванова Анна".</summary>
    public static string SurnameName(string? lastName, string? firstName) => Join(lastName, firstName);

    /// <summary><c>ru.plural 5 "день" "дня" "дней"</c> → "5 дней"; 1, 21 → one; 2–4, 22–24 → few; 0, 5–20, 11–14 → many.</summary>
    public static string Plural(object? number, string one, string few, string many)
    {
        var text = Convert.ToString(number, CultureInfo.InvariantCulture)?.Trim();
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return "";
        }

        return $"{n} {PluralWord(n, one, few, many)}";
    }

    public static string PluralWord(long number, string one, string few, string many)
    {
        var n = Math.Abs(number);
        var lastTwo = n % 100;
        var last = n % 10;
        if (lastTwo is >= 11 and <= 14)
        {
            return many;
        }

        return last switch
        {
            1 => one,
            2 or 3 or 4 => few,
            _ => many,
        };
    }

    private static string DayMonth(DateTimeOffset t) => $"{t.Day} {MonthsGenitive[t.Month - 1]}";

    private static string Join(string? first, string? second) =>
        string.Join(' ', new[] { first, second }.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()));

    private static DateTimeOffset? Parse(string? value, string? zone)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
        {
            throw new ArgumentException($"«{value}» — не дата и время в формате ISO 8601");
        }

        if (string.IsNullOrWhiteSpace(zone))
        {
            return t;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found)
            ? TimeZoneInfo.ConvertTime(t, found)
            : throw new ArgumentException($"«{zone}» — неизвестный часовой пояс (нужно имя IANA, например Europe/Moscow)");
    }

    private static ScriptObject Build()
    {
        var ru = new ScriptObject(StringComparer.Ordinal);
        ru.Import(typeof(RussianHelpers), ScriptMemberImportFlags.Method, member => member.Name != nameof(PluralWord));
        ru.IsReadOnly = true;
        return ru;
    }
}
