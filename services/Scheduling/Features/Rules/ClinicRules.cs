using System.Globalization;
using System.Text.Json.Serialization;
using Comms.Contracts;
using Comms.Contracts.Audience;
using Comms.Contracts.Delivery;

namespace Comms.Scheduling.Features.Rules;

/// <summary>
/// A clinic's reminder rules: what is sent before an appointment, when, and what follows a no-show or a completed
/// visit. The same document is the service-wide default (configuration section <c>Reminders:Defaults</c>) and what
/// a clinic stores through <c>PUT /api/v1/clinics/{clinicId}/reminder-rules</c>.
/// </summary>
public sealed class ClinicRules
{
    /// <summary>Local hours (the patient's zone if known, else the clinic's) when messages may go out.</summary>
    public SendWindow SendWindow { get; set; } = new();

    /// <summary>A send that would go out closer than this to the appointment is skipped.</summary>
    public int MinimumLeadTimeMinutes { get; set; } = 120;

    /// <summary>Sends of one appointment closer together than this merge into the earlier one (a late booking gets one message).</summary>
    public int MinimumGapMinutes { get; set; } = 60;

    /// <summary>The sends before every appointment, unless a service or specialty below has its own.</summary>
    public List<SendRule> Sends { get; set; } = [];

    /// <summary>Per service code (the MIS's <c>service.code</c>): its own sends and/or a recall after a completed visit.</summary>
    public List<ServiceRules> Services { get; set; } = [];

    /// <summary>Per doctor specialty (the MIS's <c>doctor.specialty</c>, compared ignoring case): its own sends.</summary>
    public List<SpecialtyRules> Specialties { get; set; } = [];

    /// <summary>The "we missed you, book again" message after <c>appointment.no_show</c>; off unless enabled.</summary>
    public NoShowRule NoShow { get; set; } = new();

    /// <summary>A message to a patient Audience says is drifting away (<c>audience.churn_risk</c>); off unless enabled.</summary>
    public ReactivationRule Reactivation { get; set; } = new();

    [JsonIgnore]
    public TimeSpan MinimumLeadTime => TimeSpan.FromMinutes(MinimumLeadTimeMinutes);

    [JsonIgnore]
    public TimeSpan MinimumGap => TimeSpan.FromMinutes(MinimumGapMinutes);

    /// <summary>The sends for an appointment: its service's own list, else its specialty's, else the clinic's.</summary>
    public IReadOnlyList<SendRule> SendsFor(string? serviceCode, string? specialty) =>
        Services.FirstOrDefault(s => s.Sends is not null && string.Equals(s.Code, serviceCode, StringComparison.Ordinal))?.Sends
        ?? Specialties.FirstOrDefault(s => string.Equals(s.Specialty, specialty, StringComparison.OrdinalIgnoreCase))?.Sends
        ?? Sends;

    /// <summary>The recall rule of a service code, if it has one.</summary>
    public RecallRule? RecallFor(string serviceCode) =>
        Services.FirstOrDefault(s => string.Equals(s.Code, serviceCode, StringComparison.Ordinal))?.Recall;

    /// <summary>Every problem with the document; each names the field by its path (e.g. <c>sends / 0 / hoursBefore</c>).</summary>
    public IEnumerable<RuleError> Validate()
    {
        if (SendWindow is null)
        {
            yield return new RuleError(["sendWindow"], "is required");
        }

        if (MinimumLeadTimeMinutes is < 0 or > 7 * 24 * 60)
        {
            yield return new RuleError(["minimumLeadTimeMinutes"], "must be between 0 and 10080 (a week)");
        }

        if (MinimumGapMinutes is < 0 or > 7 * 24 * 60)
        {
            yield return new RuleError(["minimumGapMinutes"], "must be between 0 and 10080 (a week)");
        }

        foreach (var error in ValidateSends(Sends ?? [], ["sends"]))
        {
            yield return error;
        }

        var services = Services ?? [];
        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            string[] at = ["services", Index(i)];
            if (string.IsNullOrWhiteSpace(service?.Code))
            {
                yield return new RuleError([.. at, "code"], "is required: the MIS's service.code");
                continue;
            }

            if (service.Sends is null && service.Recall is null)
            {
                yield return new RuleError(at, "gives neither sends nor a recall");
            }

            foreach (var error in ValidateSends(service.Sends ?? [], [.. at, "sends"]))
            {
                yield return error;
            }

            if (service.Recall is { } recall)
            {
                if (recall.AfterDays is < 1 or > 3650)
                {
                    yield return new RuleError([.. at, "recall", "afterDays"], "must be between 1 and 3650");
                }

                foreach (var error in ValidateMessage(recall, [.. at, "recall"]))
                {
                    yield return error;
                }
            }
        }

        foreach (var duplicate in services.Where(s => !string.IsNullOrWhiteSpace(s?.Code)).GroupBy(s => s.Code).Where(g => g.Count() > 1))
        {
            yield return new RuleError(["services"], $"service '{duplicate.Key}' is listed more than once");
        }

        var specialties = Specialties ?? [];
        for (var i = 0; i < specialties.Count; i++)
        {
            string[] at = ["specialties", Index(i)];
            if (string.IsNullOrWhiteSpace(specialties[i]?.Specialty))
            {
                yield return new RuleError([.. at, "specialty"], "is required: the MIS's doctor.specialty");
                continue;
            }

            if (specialties[i].Sends is null)
            {
                yield return new RuleError([.. at, "sends"], "is required (an empty list sends nothing before these appointments)");
            }

            foreach (var error in ValidateSends(specialties[i].Sends ?? [], [.. at, "sends"]))
            {
                yield return error;
            }
        }

        if (NoShow is { Enabled: true } noShow)
        {
            if (noShow.HoursAfter is < 0 or > 24 * 14)
            {
                yield return new RuleError(["noShow", "hoursAfter"], "must be between 0 and 336 (two weeks)");
            }

            foreach (var error in ValidateMessage(noShow, ["noShow"]))
            {
                yield return error;
            }
        }

        if (Reactivation is { Enabled: true } reactivation)
        {
            if (reactivation.Signals is { } signals && (signals.Count == 0 || signals.Any(s => !ChurnSignals.All.Contains(s))))
            {
                yield return new RuleError(["reactivation", "signals"], $"must list some of {string.Join(", ", ChurnSignals.All)}");
            }

            if (reactivation.AtMostEveryDays is < 1 or > 3650)
            {
                yield return new RuleError(["reactivation", "atMostEveryDays"], "must be between 1 and 3650");
            }

            foreach (var error in ValidateMessage(reactivation, ["reactivation"]))
            {
                yield return error;
            }
        }
    }

    private static IEnumerable<RuleError> ValidateSends(List<SendRule> sends, string[] at)
    {
        for (var i = 0; i < sends.Count; i++)
        {
            var send = sends[i];
            string[] path = [.. at, Index(i)];
            if (send is null)
            {
                yield return new RuleError(path, "is empty");
                continue;
            }

            if (!SendKinds.BeforeAppointment.Contains(send.Kind))
            {
                yield return new RuleError([.. path, "kind"], $"must be one of {string.Join(", ", SendKinds.BeforeAppointment)}");
            }

            if (send.HoursBefore is < 1 or > 24 * 60)
            {
                yield return new RuleError([.. path, "hoursBefore"], "must be between 1 and 1440 (60 days)");
            }

            foreach (var error in ValidateMessage(send, path))
            {
                yield return error;
            }
        }

        foreach (var duplicate in sends.Where(s => s is not null).GroupBy(s => s.HoursBefore).Where(g => g.Count() > 1))
        {
            yield return new RuleError(at, $"two sends are {duplicate.Key} h before the appointment");
        }
    }

    private static IEnumerable<RuleError> ValidateMessage(MessageRule message, string[] at)
    {
        if (string.IsNullOrWhiteSpace(message.TemplateKey) || message.TemplateKey.Length > 200)
        {
            yield return new RuleError([.. at, "templateKey"], "is required (at most 200 characters), e.g. appointment.reminder");
        }

        if (!Purposes.All.Contains(message.Purpose))
        {
            yield return new RuleError([.. at, "purpose"], $"must be one of {string.Join(", ", Purposes.All)}");
        }

        if (message.Channels is not { Count: > 0 } || message.Channels.Any(c => !Channels.All.Contains(c)))
        {
            yield return new RuleError([.. at, "channels"], $"must list, in order of preference, some of {string.Join(", ", Channels.All)}");
        }
        else if (message.Channels.Distinct().Count() != message.Channels.Count)
        {
            yield return new RuleError([.. at, "channels"], "lists a channel twice");
        }

        if (message.Fallback is null)
        {
            yield return new RuleError([.. at, "fallback"], "must not be null (leave it out for the defaults)");
        }
        else if (message.Fallback.NotDeliveredWithinMinutes is < 1 or > 1440)
        {
            yield return new RuleError([.. at, "fallback", "notDeliveredWithinMinutes"], "must be between 1 and 1440 (a day), or left out for no deadline");
        }
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A problem in a rules document: the field's path from the document's root, and what is wrong.</summary>
public sealed record RuleError(IReadOnlyList<string> Path, string Message)
{
    /// <summary>As a JSON path, e.g. <c>sends[0].hoursBefore</c>, for problem details.</summary>
    public string JsonPath => string.Concat(Path.Select((segment, i) =>
        int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"[{segment}]" : i == 0 ? segment : "." + segment));

    /// <summary>As a configuration key under <paramref name="section"/>, e.g. <c>Reminders:Defaults:Sends:0:HoursBefore</c>.</summary>
    public string ConfigurationKey(string section) =>
        string.Join(':', [section, .. Path.Select(s => char.ToUpperInvariant(s[0]) + s[1..])]);
}

/// <summary>What every rule that sends a message names: the template, the consent purpose, the channels in order.</summary>
public abstract class MessageRule
{
    public string TemplateKey { get; set; } = "";

    /// <summary><c>service</c> or <c>marketing</c>: decides which consent the gateways require.</summary>
    public string Purpose { get; set; } = Purposes.Service;

    /// <summary>Channels in order of preference. No default here: the configuration binder would append to it.</summary>
    public List<string> Channels { get; set; } = [];

    /// <summary>When the next channel of <see cref="Channels"/> is tried (docs/channel-fallback.md).</summary>
    public ChannelFallback Fallback { get; set; } = new();
}

/// <summary>
/// When a message moves on to its next channel. It moves on only when the channel it tried surely did not reach the
/// patient, so a late receipt can never make the patient get it twice: a failure whose outcome is unknown (a provider
/// that may have taken it) never moves on, and "not delivered in time" is a deadline the gateway and the carrier
/// enforce (the message expires, undelivered), not a guess made while it may still arrive.
/// </summary>
public sealed class ChannelFallback
{
    /// <summary>Move on when the patient has no contact for the channel (no phone, no email, no linked messenger).</summary>
    public bool OnNoContact { get; set; } = true;

    /// <summary>Move on when the channel has no consent for the message's purpose (status <c>blocked</c>).</summary>
    public bool OnNoConsent { get; set; } = true;

    /// <summary>Move on when the channel failed for sure: failed-permanent, failed-temporary (not an unknown outcome), expired.</summary>
    public bool OnFailure { get; set; } = true;

    /// <summary>
    /// A channel that has a next one gets this long to be handed to a provider, and tells the provider (where it takes a
    /// lifetime) to give up after it: the message then ends <c>expired</c> and the next channel goes. Null: no deadline.
    /// </summary>
    public int? NotDeliveredWithinMinutes { get; set; }

    /// <summary>Whether a channel's status (with its cause) lets the message move on to the next channel.</summary>
    public bool MovesOn(string status, string? cause)
    {
        if (!MessageStatuses.IsFinal(status) || status == MessageStatuses.Delivered)
        {
            return false;
        }

        return cause switch
        {
            // It may be on its way: sending elsewhere could reach the patient twice.
            StatusCauses.OutcomeUnknown => false,
            StatusCauses.NoContact => OnNoContact,

            // Nothing can go on a channel without a text for it; the next channel is what the clinic listed next.
            StatusCauses.NoTemplate => true,
            StatusCauses.Deadline => NotDeliveredWithinMinutes is not null || OnFailure,
            _ when status == MessageStatuses.Blocked => OnNoConsent,
            _ when status == MessageStatuses.Expired => OnFailure || NotDeliveredWithinMinutes is not null,
            _ => OnFailure,
        };
    }
}

/// <summary>One send before the appointment: <see cref="HoursBefore"/> it, rendered from the template.</summary>
public sealed class SendRule : MessageRule
{
    /// <summary><c>confirmation</c> (asks for 1 / 2; the answer goes to the MIS) or <c>reminder</c>.</summary>
    public string Kind { get; set; } = SendKinds.Reminder;

    public int HoursBefore { get; set; }

    [JsonIgnore]
    public string? ExpectedReply => Kind == SendKinds.Confirmation ? ExpectedReplies.Confirmation : null;
}

public sealed class ServiceRules
{
    public string Code { get; set; } = "";

    /// <summary>Replaces the clinic's sends for this service; null keeps them.</summary>
    public List<SendRule>? Sends { get; set; }

    public RecallRule? Recall { get; set; }
}

public sealed class SpecialtyRules
{
    public string Specialty { get; set; } = "";

    public List<SendRule>? Sends { get; set; }
}

/// <summary>A recall <see cref="AfterDays"/> after a completed visit, skipped if the patient has booked again by then.</summary>
public sealed class RecallRule : MessageRule
{
    public RecallRule() => TemplateKey = TemplateKeys.AppointmentRecall;

    public int AfterDays { get; set; }
}

public sealed class NoShowRule : MessageRule
{
    public NoShowRule() => TemplateKey = TemplateKeys.AppointmentMissed;

    public bool Enabled { get; set; }

    /// <summary>How long after the no-show event the message goes (inside the send window).</summary>
    public int HoursAfter { get; set; } = 2;
}

/// <summary>
/// A message to a patient Audience reports at risk of leaving, for the signals listed, at most once every
/// <see cref="AtMostEveryDays"/>; skipped if the patient has booked again. It asks them back to a visit, so its purpose
/// stays <c>service</c> only while its text offers nothing (docs/reminders.md).
/// </summary>
public sealed class ReactivationRule : MessageRule
{
    public ReactivationRule() => TemplateKey = TemplateKeys.AppointmentRecall;

    public bool Enabled { get; set; }

    /// <summary>The signals answered; null: <c>overdue</c> and <c>course_unfinished</c> (no default list: the configuration binder would append to it).</summary>
    public List<string>? Signals { get; set; }

    [JsonIgnore]
    public IReadOnlyList<string> EffectiveSignals => Signals ?? [ChurnSignals.Overdue, ChurnSignals.CourseUnfinished];

    public int AtMostEveryDays { get; set; } = 90;
}

/// <summary>The kinds of planned send.</summary>
public static class SendKinds
{
    public const string Confirmation = "confirmation";
    public const string Reminder = "reminder";
    public const string Missed = "missed";
    public const string Recall = "recall";
    public const string Reactivation = "reactivation";

    public static readonly IReadOnlyList<string> BeforeAppointment = [Confirmation, Reminder];
}

/// <summary>
/// The hours of the day, in the patient's (or clinic's) local time, when messages may go out: [Start, End).
/// Start equal to End means any time.
/// </summary>
public sealed class SendWindow
{
    public TimeOnly Start { get; set; } = new(9, 0);

    public TimeOnly End { get; set; } = new(21, 0);

    [JsonIgnore]
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

        return AtLocal(day, Start, zone);
    }

    /// <summary>A local wall-clock time as an instant; a time skipped by a DST jump moves forward to the first valid one.</summary>
    private static DateTimeOffset AtLocal(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var wall = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }

        return new DateTimeOffset(wall, zone.GetUtcOffset(wall)).ToUniversalTime();
    }
}
