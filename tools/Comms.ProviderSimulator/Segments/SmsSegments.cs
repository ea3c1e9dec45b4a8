using System.Collections.Frozen;

namespace Comms.ProviderSimulator.Segments;

/// <summary>How many SMS parts a text takes, as carriers bill it.</summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Part = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Part = 67;

    // GSM 03.38 default alphabet (without the escape character itself).
    private static readonly FrozenSet<char> Gsm7Basic =
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
         "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").ToFrozenSet();

    // Extension table: each is sent as escape + char, so it counts as two.
    private static readonly FrozenSet<char> Gsm7Extension = "^{}\\[~]|€\f".ToFrozenSet();

    public static SegmentCount Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return new SegmentCount(SmsEncoding.Gsm7, 0, 0);
        }

        var gsmUnits = 0;
        foreach (var c in text)
        {
            if (Gsm7Basic.Contains(c))
            {
                gsmUnits += 1;
            }
            else if (Gsm7Extension.Contains(c))
            {
                gsmUnits += 2;
            }
            else
            {
                // One character outside GSM-7 makes the whole message UCS-2, counted in UTF-16 units
                // (so characters outside the BMP, most emoji, take two).
                return new SegmentCount(SmsEncoding.Ucs2, text.Length, Parts(text.Length, Ucs2Single, Ucs2Part));
            }
        }

        return new SegmentCount(SmsEncoding.Gsm7, gsmUnits, Parts(gsmUnits, Gsm7Single, Gsm7Part));
    }

    private static int Parts(int units, int single, int part) =>
        units <= single ? 1 : (units + part - 1) / part;
}

public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <param name="Units">Septets for GSM-7, UTF-16 code units for UCS-2.</param>
public readonly record struct SegmentCount(SmsEncoding Encoding, int Units, int Segments);
