namespace Comms.Feedback.Features.Replies;

/// <summary>
/// Reads a rating sent as a reply. The rule is strict on purpose: the reply is one whole number in ASCII digits, inside
/// the scale, with nothing else but spaces and the punctuation <c>. , ! ? ( )</c> around it ("5", " 4. ", "5!").
/// Anything else — words ("оценка 4", "пять"), two numbers ("4 5", "4-5"), a number outside the scale ("0" or "10"
/// on 1–5) — is not a rating: it goes to the clinic as the patient's message, never guessed.
/// </summary>
public static class RatingReply
{
    private static readonly char[] Around = [' ', '\t', '\r', '\n', '.', ',', '!', '?', '(', ')'];

    public static int? Read(string? text, int min, int max)
    {
        var core = (text ?? "").Trim(Around);
        if (core.Length is 0 or > 2 || !core.All(char.IsAsciiDigit))
        {
            return null;
        }

        var value = int.Parse(core, System.Globalization.CultureInfo.InvariantCulture);
        return value >= min && value <= max ? value : null;
    }
}
