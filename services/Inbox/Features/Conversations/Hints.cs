using System.Text.RegularExpressions;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// Simple hints, never guesses acted on: a text that asks to move or cancel the visit is flagged for the front desk
/// (who may pass it to the MIS); an answer Comms itself reads (a digit to a question) needs nobody's reply.
/// </summary>
public static partial class Hints
{
    public static bool IsRescheduleRequest(string? text) => text is not null && Reschedule().IsMatch(text);

    /// <summary>A short answer to a question Comms asked ("1", "да", a rating): Scheduling, Feedback or the waitlist read it.</summary>
    public static bool IsAutomaticAnswer(string? expectedReply, string? text) =>
        expectedReply is not null && text is not null && Answer().IsMatch(text.Trim());

    [GeneratedRegex(@"перен[её]с|перезапис|отмен|не\s+смогу|не\s+получится|не\s+при[дй]у|другое\s+время|другой\s+день", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reschedule();

    [GeneratedRegex(@"^(\d{1,2}|да|нет|ок|ok|подтверждаю|беру|приду)[.!]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Answer();
}
