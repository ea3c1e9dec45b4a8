using System.Net.Mail;
using PhoneNumbers;

namespace Comms.ServiceDefaults.Contacts;

/// <summary>
/// One contact, one spelling: phones in E.164 (default region RU, so "8 (916) 123-45-67" and "+7 916 1234567" are
/// the same), emails trimmed and lower-cased.
/// </summary>
public static class ContactNormalizer
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    public static bool TryNormalizePhone(string? input, out string e164, string defaultRegion = "RU")
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }

        try
        {
            var number = Phones.Parse(input, defaultRegion);
            if (!Phones.IsValidNumber(number))
            {
                return false;
            }

            e164 = Phones.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    public static bool TryNormalizeEmail(string? input, out string email)
    {
        email = "";
        if (string.IsNullOrWhiteSpace(input) || input.Length > 254)
        {
            return false;
        }

        var trimmed = input.Trim();
        if (!MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed || !address.Host.Contains('.'))
        {
            return false;
        }

        email = trimmed.ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// A MAX user id as the channel's contact: its decimal digits, no prefix, as MAX's Bot API and the MIS's
    /// <c>messengerId</c> give it. Never mistaken for a phone by the ledger or a gateway: on channel <c>max</c> the
    /// contact is always read with this, never with <see cref="TryNormalizePhone"/>.
    /// </summary>
    public static bool TryNormalizeMessengerId(string? input, out string id)
    {
        id = "";
        var trimmed = input?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 20 || !trimmed.All(char.IsAsciiDigit) || trimmed.All(c => c == '0'))
        {
            return false;
        }

        id = trimmed.TrimStart('0');
        return true;
    }

    /// <summary>A phone (E.164) or an email (lower case), whichever <paramref name="input"/> is.</summary>
    public static bool TryNormalize(string? input, out string contact) =>
        TryNormalizePhone(input, out contact) || TryNormalizeEmail(input, out contact);

    /// <summary>"+79161234567" → "+7916***4567": enough to tell numbers apart in logs, not enough to reveal a patient.</summary>
    public static string Mask(string? contact)
    {
        if (string.IsNullOrEmpty(contact))
        {
            return "";
        }

        var at = contact.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return $"{contact[0]}***{contact[at..]}";
        }

        return contact.Length <= 8 ? "***" : $"{contact[..5]}***{contact[^4..]}";
    }
}
