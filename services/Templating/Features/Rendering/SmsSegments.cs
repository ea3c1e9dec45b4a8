using System.Collections.Frozen;

namespace Comms.Templating.Features.Rendering;

/// <summary>How many SMS parts a text takes, as carriers bill it (see DOMAIN.md, "SMS segments").</summary>
public static class SmsSegments
{
    private static readonly FrozenSet<char> Gsm7Basic =
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
         "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").ToFrozenSet();

    private static readonly FrozenSet<char> Gsm7Extension = "^{}\\[~]|€\f".ToFrozenSet();

    public static SmsSegmentCount Count(string text)
    {
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
                // One character outside GSM-7 (any Cyrillic) makes the whole message UCS-2, counted in UTF-16 units.
                return new SmsSegmentCount("ucs2", text.Length, Parts(text.Length, 70, 67));
            }
        }

        return new SmsSegmentCount("gsm7", gsmUnits, Parts(gsmUnits, 160, 153));
    }

    private static int Parts(int units, int single, int part) =>
        units == 0 ? 0 : units <= single ? 1 : (units + part - 1) / part;
}

/// <param name="Units">Septets for GSM-7, UTF-16 code units for UCS-2.</param>
public sealed record SmsSegmentCount(string Encoding, int Units, int Segments);
