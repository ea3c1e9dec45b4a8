using System.Globalization;
using System.Text.RegularExpressions;
using Comms.Feedback.Persistence;

namespace Comms.Feedback.Features.Requests;

/// <summary>
/// Why a feedback request was skipped: the English text stored with it (the API, the logs) and, read back from that
/// text, the Russian one the managers' file shows. Every reason is made here, so the two cannot drift apart.
/// </summary>
public static partial class SkipReasons
{
    public const string NoBooking = "the MIS never sent the visit's booking: no patient or contacts to ask";

    public const string NoContact = "the patient has no phone or email";

    public static string NotCompleted(string status) => $"the visit is no longer completed (now {status})";

    public static string AskedRecently(string appointmentId, int days) =>
        $"the patient was asked about visit {appointmentId} within {days} days (Feedback:RepeatWithinDays)";

    /// <summary>The Russian of a reason made here; another text (older data) as it is.</summary>
    public static string? Russian(string? reason)
    {
        switch (reason)
        {
            case null:
                return null;
            case NoBooking:
                return "МИС не прислала запись на этот визит: неизвестны пациент и его контакты";
            case NoContact:
                return "у пациента нет ни телефона, ни электронной почты";
        }

        if (NotCompletedPattern().Match(reason) is { Success: true } notCompleted)
        {
            var status = notCompleted.Groups["status"].Value switch
            {
                VisitStatuses.Booked => "снова записан",
                VisitStatuses.Cancelled => "отменён",
                VisitStatuses.NoShow => "пациент не пришёл",
                var other => other,
            };
            return $"визит больше не завершён (сейчас: {status})";
        }

        if (AskedRecentlyPattern().Match(reason) is { Success: true } asked)
        {
            var days = int.Parse(asked.Groups["days"].Value, CultureInfo.InvariantCulture);
            return $"пациента уже спрашивали о визите {asked.Groups["appointment"].Value} за последние {days} " +
                   $"{PluralDays(days)} (Feedback:RepeatWithinDays)";
        }

        return reason;
    }

    [GeneratedRegex(@"^the visit is no longer completed \(now (?<status>[^)]+)\)$")]
    private static partial Regex NotCompletedPattern();

    [GeneratedRegex(@"^the patient was asked about visit (?<appointment>.+) within (?<days>\d+) days \(Feedback:RepeatWithinDays\)$")]
    private static partial Regex AskedRecentlyPattern();

    private static string PluralDays(int n) => (n % 100, n % 10) switch
    {
        ( >= 11 and <= 14, _) => "дней",
        (_, 1) => "день",
        (_, >= 2 and <= 4) => "дня",
        _ => "дней",
    };
}
