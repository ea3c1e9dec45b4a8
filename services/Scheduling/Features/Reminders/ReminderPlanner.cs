using Comms.Scheduling.Features.Rules;
using Comms.Scheduling.Persistence;

namespace Comms.Scheduling.Features.Reminders;

/// <summary>A send the planner decided on: due at <see cref="DueAt"/>, or skipped for <see cref="SkipReason"/>.</summary>
public sealed record PlannedSend(string Kind, MessageRule Rule, string? ExpectedReply, DateTimeOffset DueAt, string? SkipReason);

/// <summary>
/// Turns an appointment and its clinic's rules into sends. Pure: the clock comes in as <c>now</c>, so every case
/// (late bookings, send windows, DST, rule changes) is testable without waiting.
/// </summary>
public static class ReminderPlanner
{
    /// <summary>
    /// The sends before an appointment. With <paramref name="catchUp"/> (a new booking) a send whose moment has passed
    /// goes out now if still useful; without it (the clinic changed its rules) such a send is only recorded as skipped.
    /// <paramref name="lastSent"/> is when this appointment's last message went, so a new plan does not crowd it.
    /// </summary>
    public static IReadOnlyList<PlannedSend> Plan(
        Appointment appointment, ClinicRules rules, TimeZoneInfo zone, DateTimeOffset now, bool catchUp = true, DateTimeOffset? lastSent = null)
    {
        var latest = appointment.StartsAt - rules.MinimumLeadTime;
        var planned = new List<PlannedSend>();
        var previous = lastSent;

        // Earliest rule first: a late booking collapses several sends onto "now", and the earliest (the confirmation
        // request) is the one worth keeping.
        foreach (var rule in rules.SendsFor(appointment.ServiceCode, appointment.DoctorSpecialty).OrderByDescending(r => r.HoursBefore))
        {
            var due = appointment.StartsAt - TimeSpan.FromHours(rule.HoursBefore);
            var overdue = due < now;
            due = rules.SendWindow.NextOpen(overdue ? now : due, zone);
            var skip = SkipReason(rule, due, overdue && !catchUp);
            if (skip is null)
            {
                previous = due;
            }

            planned.Add(new PlannedSend(rule.Kind, rule, rule.ExpectedReply, due, skip));
        }

        return planned;

        string? SkipReason(SendRule rule, DateTimeOffset due, bool passedBeforeRulesChanged)
        {
            if (passedBeforeRulesChanged)
            {
                return "its moment had passed when the clinic's rules changed";
            }

            if (rule.Kind == SendKinds.Confirmation && appointment.Confirmation is not null)
            {
                return "the patient already answered the confirmation request";
            }

            if (due > latest)
            {
                return due >= appointment.StartsAt
                    ? "the send window opens only after the appointment"
                    : $"would go out less than {rules.MinimumLeadTime:hh\\:mm} before the appointment";
            }

            return previous is { } last && due - last < rules.MinimumGap
                ? $"merged into the send at {last:u}: less than {rules.MinimumGap:hh\\:mm} apart"
                : null;
        }
    }

    /// <summary>The "we missed you" message after a no-show, if the clinic enabled it.</summary>
    public static PlannedSend? PlanMissed(ClinicRules rules, TimeZoneInfo zone, DateTimeOffset now) =>
        rules.NoShow is { Enabled: true } noShow
            ? new PlannedSend(SendKinds.Missed, noShow, null, rules.SendWindow.NextOpen(now + TimeSpan.FromHours(noShow.HoursAfter), zone), null)
            : null;

    /// <summary>A recall for each completed service that has a recall interval, counted from the visit.</summary>
    public static IReadOnlyList<PlannedSend> PlanRecalls(Appointment appointment, IEnumerable<string> serviceCodes, ClinicRules rules, TimeZoneInfo zone) =>
        [.. serviceCodes.Distinct()
            .Select(rules.RecallFor)
            .OfType<RecallRule>()
            .Select(recall => new PlannedSend(
                SendKinds.Recall, recall, null, rules.SendWindow.NextOpen(appointment.StartsAt + TimeSpan.FromDays(recall.AfterDays), zone), null))];

    public static TimeZoneInfo ResolveZone(string? timeZone, string fallback) =>
        timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone)
            ? zone
            : TimeZoneInfo.FindSystemTimeZoneById(fallback);
}
