using System.Collections.Frozen;
using System.Text;

namespace Comms.ServiceDefaults.Sms;

/// <summary>How many SMS parts a text takes, as carriers bill it (see DOMAIN.md, "SMS segments").</summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Part = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Part = 67;

    /// <summary>At most this many characters that forced UCS-2 are listed; one is enough to explain it.</summary>
    public const int MaxForcingCharacters = 20;

    private static readonly FrozenSet<char> Gsm7Basic =
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
         "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").ToFrozenSet();

    private static readonly FrozenSet<char> Gsm7Extension = "^{}\\[~]|€\f".ToFrozenSet();

    public static SmsSegmentCount Count(string text)
    {
        List<string>? forcing = null;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsBmp && (Gsm7Basic.Contains((char)rune.Value) || Gsm7Extension.Contains((char)rune.Value)))
            {
                continue;
            }

            // One character outside GSM-7 (any Cyrillic) makes the whole message UCS-2.
            forcing ??= [];
            var character = rune.ToString();
            if (forcing.Count < MaxForcingCharacters && !forcing.Contains(character))
            {
                forcing.Add(character);
            }
        }

        return forcing is null
            ? new SmsSegmentCount("gsm7", GsmUnits(text).Sum(), Parts(GsmUnits(text), Gsm7Single, Gsm7Part), [])
            : new SmsSegmentCount("ucs2", text.Length, Parts(Ucs2Units(text), Ucs2Single, Ucs2Part), forcing);
    }

    private static IEnumerable<int> GsmUnits(string text) => text.Select(c => Gsm7Extension.Contains(c) ? 2 : 1);

    /// <summary>A character outside the BMP (most emoji) is a surrogate pair: two UTF-16 units.</summary>
    private static IEnumerable<int> Ucs2Units(string text) => text.EnumerateRunes().Select(r => r.Utf16SequenceLength);

    /// <summary>
    /// A long message is split greedily, and an escape sequence or a surrogate pair is never cut in two: when it does
    /// not fit the rest of a part it starts the next one, which can cost one more part than units ÷ part size.
    /// </summary>
    private static int Parts(IEnumerable<int> characters, int single, int part)
    {
        var sizes = characters as IReadOnlyCollection<int> ?? characters.ToList();
        var total = sizes.Sum();
        if (total == 0)
        {
            return 0;
        }

        if (total <= single)
        {
            return 1;
        }

        var parts = 1;
        var filled = 0;
        foreach (var size in sizes)
        {
            if (filled + size > part)
            {
                parts++;
                filled = 0;
            }

            filled += size;
        }

        return parts;
    }
}

/// <param name="Units">Septets for GSM-7, UTF-16 code units for UCS-2.</param>
/// <param name="ForcingCharacters">The characters outside GSM-7 that made the text UCS-2, first seen first.</param>
public sealed record SmsSegmentCount(string Encoding, int Units, int Segments, IReadOnlyList<string> ForcingCharacters);
