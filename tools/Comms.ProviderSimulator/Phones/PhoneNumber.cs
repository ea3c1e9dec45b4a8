using System.Diagnostics.CodeAnalysis;

namespace Comms.ProviderSimulator.Phones;

/// <summary>A phone number in E.164, normalized the way SMS.ru reads what it is given.</summary>
public sealed record PhoneNumber
{
    private PhoneNumber(string digits) => Digits = digits;

    /// <summary>Country code and number, digits only: "79161234567" (SMS.ru's own notation).</summary>
    public string Digits { get; }

    /// <summary>"+79161234567".</summary>
    public string E164 => "+" + Digits;

    /// <summary>"+7916***4567": safe to log.</summary>
    public string Masked => Mask(Digits);

    /// <summary>
    /// Keeps the digits; a Russian trunk prefix 8 becomes 7, a bare ten-digit mobile number starting with 9 gets 7;
    /// the result is valid with 11 to 15 digits.
    /// </summary>
    public static bool TryNormalize(string? input, [NotNullWhen(true)] out PhoneNumber? phone)
    {
        phone = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var digits = new string(input.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 11 && digits[0] == '8')
        {
            digits = "7" + digits[1..];
        }
        else if (digits.Length == 10 && digits[0] == '9')
        {
            digits = "7" + digits;
        }

        if (digits.Length is < 11 or > 15)
        {
            return false;
        }

        phone = new PhoneNumber(digits);
        return true;
    }

    /// <summary>Masks whatever was given, valid or not, so that it can be logged.</summary>
    public static string Mask(string? input)
    {
        var digits = new string((input ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 8 ? $"+{digits[..4]}***{digits[^4..]}" : "***";
    }

    public override string ToString() => E164;
}
