namespace Comms.Feedback.Features.Requests;

/// <summary>
/// The hours of the day, in the patient's (or clinic's) local time, when messages may go out: [Start, End).
/// Start equal to End means any time. The same rule as Scheduling's send window (docs/reminders.md).
/// </summary>
public sealed class SendWindow
{
    public TimeOnly Start { get; set; } = new(9, 0);

    public TimeOnly End { get; set; } = new(21, 0);

    public bool IsAlwaysOpen => Start == End;

    /// <summary>The earliest moment at or after <paramref name="instant"/> inside the window, in <paramref name="zone"/>.</summary>
    public DateTimeOffset NextOpen(DateTimeOffset instant, TimeZoneInfo zone)
    {
        if (IsAlwaysOpen)
        {
            return instant;
        }

        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = Start < End ? time >= Start && time < End : time >= Start || time < End;
        if (inside)
        {
            return instant;
        }

        var day = DateOnly.FromDateTime(local.DateTime);
        if (Start < End && time >= End)
        {
            day = day.AddDays(1);
        }

        var wall = day.ToDateTime(Start, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }
}
