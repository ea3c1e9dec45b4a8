using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Comms.Audience.Features.Scoring;
using Comms.Contracts;
using Comms.Contracts.Mis;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// What a marketer sets up: who gets it (clinics, segments and filters), what they get (a marketing template, or two for
/// an A/B split), by which channels in order, when (start, end, the daily send window in the clinic's time zone), how
/// fast (per hour), how many get nothing for the lift (holdout) and how long a booking counts as brought by it.
/// Every field but the name, the clinics, the template and the start has a default (docs/campaigns.md).
/// </summary>
public sealed class CampaignDefinition
{
    public const int MaxNameLength = 200;

    public string? Name { get; set; }

    /// <summary>The clinics whose patients it is for; all of one chain (or one clinic in none).</summary>
    public List<string>? ClinicIds { get; set; }

    /// <summary>Audience's segments (<see cref="Segments.All"/>); empty: every segment.</summary>
    public List<string>? Segments { get; set; }

    /// <summary>Full years at the start, inclusive; a patient whose birth date is unknown is not in an age band.</summary>
    public int? AgeFrom { get; set; }

    public int? AgeTo { get; set; }

    /// <summary><c>female</c> or <c>male</c>; none: both and unknown.</summary>
    public string? Sex { get; set; }

    /// <summary>The last completed visit on or after this date (yyyy-MM-dd).</summary>
    public string? LastVisitFrom { get; set; }

    /// <summary>The last completed visit on or before this date (yyyy-MM-dd).</summary>
    public string? LastVisitTo { get; set; }

    /// <summary>Service codes: the patient had a completed visit of one of them.</summary>
    public List<string>? Services { get; set; }

    /// <summary>Acquisition sources as the MIS gives them (<c>yandex_maps</c>, <c>referral</c>…).</summary>
    public List<string>? Sources { get; set; }

    /// <summary>Templating's key of the marketing template (variant A).</summary>
    public string? TemplateKey { get; set; }

    /// <summary>A second template key: variant B of an A/B split.</summary>
    public string? TemplateKeyB { get; set; }

    /// <summary>The share of those sent to that get variant B, in percent (default 50).</summary>
    public int? SplitPercentB { get; set; }

    /// <summary>In order of preference; each patient gets the first one they gave a marketing consent on (default sms, max, email).</summary>
    public List<string>? Channels { get; set; }

    /// <summary>ISO 8601 with an offset: the first message goes no earlier.</summary>
    public string? StartAt { get; set; }

    /// <summary>ISO 8601 with an offset: nothing goes after it (default: 14 days after the start).</summary>
    public string? EndAt { get; set; }

    /// <summary>The daily window in the clinic's time zone, HH:mm (default 10:00–20:00); the same time twice: the whole day.</summary>
    public string? WindowFrom { get; set; }

    public string? WindowTo { get; set; }

    /// <summary>At most this many messages an hour (default 500).</summary>
    public int? ThrottlePerHour { get; set; }

    /// <summary>The share of the audience that gets nothing, in percent (default 10; 0: no holdout, no lift).</summary>
    public int? HoldoutPercent { get; set; }

    /// <summary>A booking within this many days of the message is counted as brought by it (default 14).</summary>
    public int? AttributionDays { get; set; }

    /// <summary>A patient sent another campaign's message within this many days is left out (default 14; 0: not checked).</summary>
    public int? RecentCampaignDays { get; set; }

    /// <summary>
    /// Set: a journey, approved once and run every day (<see cref="Journeys"/>): <c>birthday</c>, <c>reactivation</c>,
    /// <c>course</c> or <c>recall</c>; each day's batch is the patients the rule gives that day. Unset: a campaign.
    /// </summary>
    public string? Journey { get; set; }

    /// <summary>A birthday journey greets this many days before the birthday (default 0: on the day).</summary>
    public int? DaysBefore { get; set; }

    /// <summary>A journey writes to a patient again only this many days after its last message to them (default: birthday 300, others 90).</summary>
    public int? RepeatAfterDays { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static readonly IReadOnlyList<string> DefaultChannels = [Contracts.Channels.Sms, Contracts.Channels.Max, Contracts.Channels.Email];

    /// <summary>What is wrong with it, each a field (camelCase) and the reason in Russian; none when it may be saved.</summary>
    public IEnumerable<(string Field, string Reason)> Problems(AudienceOptions audience)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return ("name", "укажите название рассылки");
        }
        else if (Name.Length > MaxNameLength)
        {
            yield return ("name", $"не длиннее {MaxNameLength} символов");
        }

        if (ClinicIds is not { Count: > 0 } || ClinicIds.Any(string.IsNullOrWhiteSpace))
        {
            yield return ("clinicIds", "укажите хотя бы одну клинику");
        }
        else if (ClinicIds.Select(audience.ScopeIdOf).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            yield return ("clinicIds", "клиники должны быть одной сети");
        }

        foreach (var segment in (Segments ?? []).Where(s => !Scoring.Segments.All.Contains(s)))
        {
            yield return ("segments", $"нет такого сегмента: «{segment}»; сегменты: {string.Join(", ", Scoring.Segments.All)}");
        }

        if (AgeFrom is < 0 or > 130 || AgeTo is < 0 or > 130)
        {
            yield return ("ageFrom", "возраст — от 0 до 130 лет");
        }
        else if (AgeFrom > AgeTo)
        {
            yield return ("ageTo", "не меньше, чем «возраст от»");
        }

        if (Sex is not null && !PatientSexes.All.Contains(Sex))
        {
            yield return ("sex", $"female или male, а не «{Sex}»");
        }

        var lastFrom = Date(LastVisitFrom, "lastVisitFrom", out var fromProblem);
        var lastTo = Date(LastVisitTo, "lastVisitTo", out var toProblem);
        foreach (var problem in new[] { fromProblem, toProblem }.OfType<(string, string)>())
        {
            yield return problem;
        }

        if (lastFrom > lastTo)
        {
            yield return ("lastVisitTo", "не раньше, чем «последний визит с»");
        }

        if (string.IsNullOrWhiteSpace(TemplateKey))
        {
            yield return ("templateKey", "укажите шаблон рассылки");
        }

        if (TemplateKeyB is not null && (string.IsNullOrWhiteSpace(TemplateKeyB) || TemplateKeyB == TemplateKey))
        {
            yield return ("templateKeyB", "вариант Б — другой шаблон");
        }

        if (SplitPercentB is { } split && (split is < 1 or > 99 || TemplateKeyB is null))
        {
            yield return ("splitPercentB", TemplateKeyB is null ? "доля варианта Б — только вместе с его шаблоном" : "от 1 до 99 %");
        }

        if (Channels is { } channels)
        {
            if (channels.Count == 0)
            {
                yield return ("channels", "укажите хотя бы один канал");
            }

            foreach (var channel in channels.Where(c => !Contracts.Channels.All.Contains(c)))
            {
                yield return ("channels", $"нет такого канала: «{channel}»; каналы: {string.Join(", ", Contracts.Channels.All)}");
            }

            if (channels.Distinct(StringComparer.Ordinal).Count() != channels.Count)
            {
                yield return ("channels", "каждый канал — один раз");
            }
        }

        var start = Instant(StartAt, "startAt", required: true, out var startProblem);
        var end = Instant(EndAt, "endAt", required: false, out var endProblem);
        foreach (var problem in new[] { startProblem, endProblem }.OfType<(string, string)>())
        {
            yield return problem;
        }

        if (start is { } s && end is { } e && e <= s)
        {
            yield return ("endAt", "позже начала");
        }

        if (start is { } s2 && end is { } e2 && e2 - s2 > TimeSpan.FromDays(366))
        {
            yield return ("endAt", "не дольше года после начала");
        }

        var from = Time(WindowFrom, "windowFrom", out var windowFromProblem);
        var to = Time(WindowTo, "windowTo", out var windowToProblem);
        foreach (var problem in new[] { windowFromProblem, windowToProblem }.OfType<(string, string)>())
        {
            yield return problem;
        }

        if (from is { } f && to is { } t && t < f)
        {
            yield return ("windowTo", "окно рассылки заканчивается позже, чем начинается, в тот же день (или в то же время: весь день)");
        }

        if (ThrottlePerHour is < 1 or > 1_000_000)
        {
            yield return ("throttlePerHour", "от 1 до 1 000 000 сообщений в час");
        }

        if (HoldoutPercent is < 0 or > 50)
        {
            yield return ("holdoutPercent", "от 0 до 50 %");
        }

        if (AttributionDays is < 1 or > 90)
        {
            yield return ("attributionDays", "от 1 до 90 дней");
        }

        if (RecentCampaignDays is < 0 or > 365)
        {
            yield return ("recentCampaignDays", "от 0 до 365 дней");
        }

        if (Journey is not null && !Journeys.All.Contains(Journey))
        {
            yield return ("journey", $"нет такого сценария: «{Journey}»; сценарии: {string.Join(", ", Journeys.All)}");
        }

        if (DaysBefore is { } before && (before is < 0 or > 30 || Journey != Journeys.Birthday))
        {
            yield return ("daysBefore", Journey != Journeys.Birthday ? "только для поздравления с днём рождения" : "от 0 до 30 дней");
        }

        if (RepeatAfterDays is { } repeat && (repeat is < 1 or > 730 || Journey is null))
        {
            yield return ("repeatAfterDays", Journey is null ? "только для сценария" : "от 1 до 730 дней");
        }
    }

    /// <summary>The definition with its defaults, for a campaign that passed <see cref="Problems"/>.</summary>
    public CampaignPlan Plan()
    {
        var start = DateTimeOffset.Parse(StartAt!, CultureInfo.InvariantCulture);
        return new CampaignPlan(
            Name!.Trim(),
            [.. ClinicIds!.Select(c => c.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            [.. (Segments ?? []).Distinct(StringComparer.Ordinal)],
            AgeFrom,
            AgeTo,
            Sex,
            LastVisitFrom is null ? null : DateOnly.ParseExact(LastVisitFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            LastVisitTo is null ? null : DateOnly.ParseExact(LastVisitTo, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            [.. (Services ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)],
            [.. (Sources ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal)],
            TemplateKey!.Trim(),
            TemplateKeyB?.Trim(),
            TemplateKeyB is null ? 0 : SplitPercentB ?? 50,
            Channels is { Count: > 0 } channels ? channels : DefaultChannels,
            start,
            EndAt is null ? start.AddDays(Journey is null ? 14 : 365) : DateTimeOffset.Parse(EndAt, CultureInfo.InvariantCulture),
            WindowFrom is null ? new TimeOnly(10, 0) : TimeOnly.ParseExact(WindowFrom, "HH:mm", CultureInfo.InvariantCulture),
            WindowTo is null ? new TimeOnly(20, 0) : TimeOnly.ParseExact(WindowTo, "HH:mm", CultureInfo.InvariantCulture),
            ThrottlePerHour ?? 500,
            HoldoutPercent ?? 10,
            AttributionDays ?? 14,
            RecentCampaignDays ?? 14,
            Journey,
            DaysBefore ?? 0,
            RepeatAfterDays ?? (Journey == Journeys.Birthday ? 300 : 90));
    }

    private static DateOnly? Date(string? value, string field, out (string, string)? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        problem = (field, "дата в виде гггг-ММ-дд");
        return null;
    }

    private static DateTimeOffset? Instant(string? value, string field, bool required, out (string, string)? problem)
    {
        problem = null;
        if (value is null)
        {
            problem = required ? (field, "укажите, когда начать: дата и время со смещением, например 2026-12-10T10:00:00+03:00") : null;
            return null;
        }

        // An offset is required: a time without one would be read in the server's zone, not the clinic's.
        if (value.Length >= 6 && (value[^6] is '+' or '-' || value.EndsWith('Z'))
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        problem = (field, "дата и время со смещением, например 2026-12-10T10:00:00+03:00");
        return null;
    }

    private static TimeOnly? Time(string? value, string field, out (string, string)? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        if (TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        problem = (field, "время в виде ЧЧ:мм");
        return null;
    }
}

/// <summary>A valid definition with its defaults filled in: what preview, launch and dispatch work from.</summary>
public sealed record CampaignPlan(
    string Name,
    IReadOnlyList<string> ClinicIds,
    IReadOnlyList<string> Segments,
    int? AgeFrom,
    int? AgeTo,
    string? Sex,
    DateOnly? LastVisitFrom,
    DateOnly? LastVisitTo,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Sources,
    string TemplateKey,
    string? TemplateKeyB,
    int SplitPercentB,
    IReadOnlyList<string> Channels,
    DateTimeOffset StartAt,
    DateTimeOffset EndAt,
    TimeOnly WindowFrom,
    TimeOnly WindowTo,
    int ThrottlePerHour,
    int HoldoutPercent,
    int AttributionDays,
    int RecentCampaignDays,
    string? Journey,
    int DaysBefore,
    int RepeatAfterDays);

/// <summary>The journeys: whom each day's batch is for.</summary>
public static class Journeys
{
    /// <summary>Patients whose birthday is <see cref="CampaignPlan.DaysBefore"/> days ahead (29 February: on the 28th in other years).</summary>
    public const string Birthday = "birthday";

    /// <summary>Audience's at-risk patients, the most value at risk first.</summary>
    public const string Reactivation = "reactivation";

    /// <summary>Patients with a course of treatment left unfinished (the churn signal <c>course_unfinished</c>).</summary>
    public const string Course = "course";

    /// <summary>Patients whose last visit of a service was the interval Audience recommends for it ago (within the last week), with nothing booked.</summary>
    public const string Recall = "recall";

    public static readonly IReadOnlyList<string> All = [Birthday, Reactivation, Course, Recall];

    public static string Title(string? journey) => journey switch
    {
        Birthday => "поздравление с днём рождения",
        Reactivation => "возвращение пациентов в зоне риска",
        Course => "продолжение начатого лечения",
        Recall => "плановый визит после рекомендованного интервала",
        null => "разовая рассылка",
        _ => journey,
    };
}
