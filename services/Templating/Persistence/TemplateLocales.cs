using System.Text.RegularExpressions;

namespace Comms.Templating.Persistence;

/// <summary>Locales as templates store them: "ru", "en", "en-GB" (language lower case, region upper case).</summary>
public static partial class TemplateLocales
{
    public static string Normalize(string locale)
    {
        var parts = locale.Trim().Replace('_', '-').Split('-', 2);
        return parts.Length == 2
            ? $"{parts[0].ToLowerInvariant()}-{parts[1].ToUpperInvariant()}"
            : parts[0].ToLowerInvariant();
    }

    /// <summary>True for "xx", "xxx" or either with a two-letter region, in any case.</summary>
    public static bool IsValid(string? locale) => locale is not null && Pattern().IsMatch(Normalize(locale));

    [GeneratedRegex("^[a-z]{2,3}(-[A-Z]{2})?$")]
    private static partial Regex Pattern();
}
