namespace Comms.Gateway.Email.Features.Replies;

/// <summary>What the reply reader did with a mail (<c>inbound_mails.Outcome</c>).</summary>
public static class ReplyOutcomes
{
    /// <summary>Published as the patient's reply (<c>PatientReplied</c>): an answer, or words for the clinic.</summary>
    public const string Reply = "reply";

    /// <summary>"СТОП": the address opted out of every email (<c>OptOutReceived</c>, method reply).</summary>
    public const string OptOut = "opt-out";

    /// <summary>The List-Unsubscribe mailto: the token in the subject applied as the link would be.</summary>
    public const string Unsubscribe = "unsubscribe";

    /// <summary>The same mail (by Message-ID) was taken before, at another place in the mailbox.</summary>
    public const string Duplicate = "duplicate";

    public const string AutoReply = "auto-reply";

    /// <summary>From one of our own addresses: a loop, never an answer.</summary>
    public const string Own = "own";

    public const string Bounce = "bounce";

    /// <summary>No single readable From address.</summary>
    public const string NoSender = "no-sender";

    /// <summary>From an address this gateway never wrote to: not a patient's answer (spam, a stranger).</summary>
    public const string UnknownSender = "unknown-sender";

    /// <summary>Answers one of our mails, but from another address than the one it went to (forwarded?).</summary>
    public const string SenderMismatch = "sender-mismatch";

    /// <summary>Nothing written above the quote.</summary>
    public const string Empty = "empty";

    public const string TooLarge = "too-large";

    /// <summary>MIME the reader could not parse.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>
    /// Mail the reader did not act on but a person should see: it is flagged in the mailbox and left unread. The rest
    /// is marked read.
    /// </summary>
    public static bool LeftForPeople(string outcome) =>
        outcome is Bounce or NoSender or UnknownSender or SenderMismatch or Empty or TooLarge or Unreadable;
}
