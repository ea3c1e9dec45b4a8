using Comms.ServiceDefaults.Contacts;

namespace Comms.Audience.Features.Waitlist;

public enum WaitlistAnswer
{
    /// <summary>Not an answer: handed to the clinic as the patient's message, never guessed.</summary>
    Unrecognised,
    Claim,
    Decline,
}

/// <summary>
/// Reads a patient's answer to a slot offer: "1", "да", "беру", "записаться" … claim; "2", "нет", "не надо" … decline.
/// Case, punctuation, spaces and ё are ignored; anything else is not an answer.
/// </summary>
public static class WaitlistReply
{
    private static readonly HashSet<string> Claim =
    [
        "1", "ДА", "ДАА", "БЕРУ", "ДАБЕРУ", "ЗАПИШИТЕ", "ЗАПИСАТЬСЯ", "ЗАПИСЫВАЮСЬ", "ХОЧУ", "ПОДХОДИТ", "ПРИДУ", "ОК", "ХОРОШО",
        "YES", "Y", "OK",
    ];

    private static readonly HashSet<string> Decline =
    [
        "2", "НЕТ", "НЕНАДО", "НЕНУЖНО", "НЕПОДХОДИТ", "НЕСМОГУ", "ОТКАЗ", "NO", "N",
    ];

    public static WaitlistAnswer Read(string? text)
    {
        if (ReplyWords.Key(text) is not { } word)
        {
            return WaitlistAnswer.Unrecognised;
        }

        return Claim.Contains(word) ? WaitlistAnswer.Claim
            : Decline.Contains(word) ? WaitlistAnswer.Decline
            : WaitlistAnswer.Unrecognised;
    }
}
