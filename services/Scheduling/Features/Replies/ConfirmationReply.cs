using Comms.ServiceDefaults.Contacts;

namespace Comms.Scheduling.Features.Replies;

public enum ConfirmationAnswer
{
    /// <summary>Not a recognised answer: forwarded to the clinic as the patient's message, never guessed.</summary>
    Unrecognised,
    Confirmed,
    CancellationRequested,
}

/// <summary>
/// Reads a patient's answer to a confirmation request: "1", "да", "подтверждаю" … confirm; "2", "нет", "отмена" …
/// ask to cancel. Case, punctuation, spaces and ё are ignored; anything else is not an answer.
/// </summary>
public static class ConfirmationReply
{
    private static readonly HashSet<string> Confirm =
    [
        "1", "ДА", "ДАА", "ПОДТВЕРЖДАЮ", "ПОДТВЕРДИТЬ", "ПОДТВЕРЖДЕНО", "ПРИДУ", "БУДУ", "ДАПРИДУ", "ДАБУДУ", "ОК", "ХОРОШО",
        "YES", "Y", "OK", "CONFIRM",
    ];

    private static readonly HashSet<string> Cancel =
    [
        "2", "НЕТ", "ОТМЕНА", "ОТМЕНИТЬ", "ОТМЕНЯЮ", "ОТМЕНИТЕ", "НЕПРИДУ", "НЕСМОГУ", "НЕТНЕПРИДУ", "NO", "N", "CANCEL",
    ];

    public static ConfirmationAnswer Read(string? text)
    {
        if (ReplyWords.Key(text) is not { } word)
        {
            return ConfirmationAnswer.Unrecognised;
        }

        return Confirm.Contains(word) ? ConfirmationAnswer.Confirmed
            : Cancel.Contains(word) ? ConfirmationAnswer.CancellationRequested
            : ConfirmationAnswer.Unrecognised;
    }
}
