using System.Globalization;
using System.Text;

namespace Comms.ServiceDefaults.Contacts;

/// <summary>
/// A patient's short answer as one word to look up: letters and digits only, upper case, ё as е ("Да!" → "ДА",
/// "не приду" → "НЕПРИДУ"); null for nothing or for more than <paramref name="maxLength"/> characters (not a short answer).
/// </summary>
public static class ReplyWords
{
    public static string? Key(string? text, int maxLength = 40)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > maxLength)
        {
            return null;
        }

        var key = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                key.Append(c is 'ё' or 'Ё' ? 'Е' : char.ToUpper(c, CultureInfo.InvariantCulture));
            }
        }

        return key.ToString();
    }
}
