using Comms.Scheduling.Persistence;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>A send the planner decided on: due at <see cref="DueAt"/>, or skipped for <see cref="SkipReason"/>.</summary>
public sealed record PlannedSend(ReminderRule Rule, DateTimeOffset DueAt, string? SkipReason);

/// <summary>
/// Turns an appointment and the rules into sends. Pure: the clock comes in as <c>now</c>, so every case
/// (late bookings, send windows, DST) is testable without waiting.
/// </summary>
public static class ReminderPlanner
{
    public static IReadOnlyList<PlannedSend> Plan(Appointment appointment, ReminderOptions options, DateTimeOffset now)
    {
        var zone = ResolveZone(appointment.EffectiveTimeZone, options.DefaultTimeZone);
        var latest = appointment.StartsAt - options.MinimumLeadTime;
        var planned = new List<PlannedSend>();
        DateTimeOffset? previous = null;

        // Earliest rule first: a late booking collapses several sends onto "now", and the earliest (the confirmation
        // request) is the one worth keeping.
        foreach (var rule in options.Rules.OrderByDescending(r => r.Offset))
        {
            var due = appointment.StartsAt - rule.Offset;
            if (due < now)
            {
                due = now;
            }

            due = options.SendWindow.NextOpen(due, zone);
            string? skip = null;
            if (due > latest)
            {
                skip = due >= appointment.StartsAt
                    ? "the send window opens only after the appointment"
                    : $"would go out less than {options.MinimumLeadTime:hh\\:mm} before the appointment";
            }
            else if (previous is { } last && due - last < options.MinimumGap)
            {
                skip = $"merged into the send at {last:u}: less than {options.MinimumGap:hh\\:mm} apart";
            }

            if (skip is null)
            {
                previous = due;
            }

            planned.Add(new PlannedSend(rule, due, skip));
        }

        return planned;
    }

    public static TimeZoneInfo ResolveZone(string? timeZone, string fallback) =>
        timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? zone
            : TimeZoneInfo.FindSystemTimeZoneById(fallback);
}
