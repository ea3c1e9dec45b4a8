using System.Security.Cryptography;
using System.Text;
using Comms.Audience.Features.Channels;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Comms.Contracts.Mis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>One patient of a campaign's audience as the preview and the launch see them.</summary>
public sealed record AudienceMember(
    string ClinicId,
    string PatientId,
    decimal ValueAtRisk,
    string Group,
    string State,
    string? Reason,
    string? Channel,
    long? ConsentSequence,
    DateTimeOffset? ConsentChangedAt,
    DateTimeOffset DueAt);

/// <summary>Who a campaign reaches: the audience, the consents per channel, the exclusions and their reasons.</summary>
public sealed record AudienceSelection(
    IReadOnlyList<AudienceMember> Members,
    IReadOnlyDictionary<string, int> ConsentByChannel,
    string TimeZone);

/// <summary>
/// Picks a campaign's audience as of now: Audience's scoring of the chain, the filters, the marketing consents the
/// channels have (the first channel in the campaign's order that has a granted consent with its contact), the frequency
/// cap and the recent-campaign rule. Of those left, a share fixed by a hash of the campaign and the patient is held out
/// and another gets variant B, so a preview and the launch draw the same groups. Those sent are ordered by value at
/// risk and spread by the throttle through the daily send window; those the end would cut off are said to be.
/// </summary>
public sealed class CampaignAudience(
    AudienceDbContext db, AudienceScoring scoring, ChannelReports reports, IOptionsMonitor<AudienceOptions> audienceOptions, IOptionsMonitor<CampaignOptions> options)
{
    /// <param name="campaignId">The campaign, or the journey a batch (or a journey's preview) is of: the groups are drawn by its id, so a
    /// patient held out of a journey stays held out every day.</param>
    /// <param name="journey">For a journey's day: those its batches wrote to (or held out) within its repeat days are not its audience again.</param>
    public async Task<AudienceSelection> SelectAsync(Guid campaignId, CampaignPlan plan, DateTimeOffset now, CancellationToken cancellationToken, Guid? journey = null)
    {
        var settings = options.CurrentValue;
        var clinics = plan.ClinicIds.ToHashSet(StringComparer.Ordinal);
        var clinicIds = plan.ClinicIds.ToArray();
        var scope = audienceOptions.CurrentValue.ScopeOf(clinicIds[0]);
        var zone = await ZoneAsync(db, clinicIds[0], settings, cancellationToken);
        var startDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Max(plan.StartAt, now), zone).DateTime);
        var scores = await scoring.ScoreAsync(clinicIds[0], DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);

        var profiles = await db.Patients.AsNoTracking().Where(p => clinicIds.Contains(p.ClinicId))
            .Select(p => new { p.ClinicId, p.PatientId, p.BirthDate, p.Sex, p.AcquisitionSource })
            .ToDictionaryAsync(p => (p.ClinicId, p.PatientId), cancellationToken);
        HashSet<(string, string)>? hadService = null;
        if (plan.Services.Count > 0)
        {
            var services = plan.Services.ToArray();
            hadService = [.. await db.Visits.AsNoTracking()
                .Where(v => clinicIds.Contains(v.ClinicId) && v.PatientId != null && v.Status == VisitStatuses.Completed && services.Contains(v.ServiceCode!))
                .Select(v => new { v.ClinicId, PatientId = v.PatientId! }).Distinct()
                .Select(v => ValueTuple.Create(v.ClinicId, v.PatientId)).ToListAsync(cancellationToken)];
        }

        var consents = (await db.ChannelConsents.AsNoTracking()
                .Where(c => clinicIds.Contains(c.ClinicId) && c.Purpose == Purposes.Marketing)
                .Select(c => new { c.ClinicId, c.PatientId, c.Channel, c.Granted, c.Contact, c.Sequence, c.ChangedAt })
                .ToListAsync(cancellationToken))
            .ToLookup(c => (c.ClinicId, c.PatientId));
        var weekAgo = now.AddDays(-7);
        var caps = await MarketingSentAsync(db, scope, now.AddDays(-30), cancellationToken);
        // A journey's own batches are its family: the repeat rule, not the recent-campaign rule, governs them.
        Guid[] family = journey is { } journeyId
            ? [journeyId, .. await db.Campaigns.AsNoTracking().Where(c => c.ParentId == journeyId).Select(c => c.Id).ToListAsync(cancellationToken)]
            : [campaignId];
        var recent = plan.RecentCampaignDays > 0
            ? (await db.CampaignRecipients.AsNoTracking()
                .Where(r => scope.Contains(r.ClinicId) && !family.Contains(r.CampaignId) && r.State == RecipientStates.Sent && r.SentAt >= now.AddDays(-plan.RecentCampaignDays))
                .Select(r => r.PatientId).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal)
            : [];
        var repeated = journey is not null
            ? (await db.CampaignRecipients.AsNoTracking()
                .Where(r => family.Contains(r.CampaignId) && (r.State == RecipientStates.Sent || r.State == RecipientStates.HeldOut)
                            && (r.SentAt ?? r.DueAt) >= now.AddDays(-plan.RepeatAfterDays))
                .Select(r => new { r.ClinicId, r.PatientId }).Distinct().ToListAsync(cancellationToken))
                .Select(r => (r.ClinicId, r.PatientId)).ToHashSet()
            : [];
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var recallDue = plan.Journey == Journeys.Recall ? await RecallDueAsync(clinicIds, day, cancellationToken) : null;

        var consentByChannel = plan.Channels.ToDictionary(c => c, _ => 0, StringComparer.Ordinal);
        var members = new List<AudienceMember>();
        foreach (var ((clinicId, patientId), figures) in scores.Patients)
        {
            var profile = profiles.GetValueOrDefault((clinicId, patientId)) is { } p ? (p.BirthDate, p.Sex, p.AcquisitionSource) : default;
            if (!clinics.Contains(clinicId) || !Matches(plan, figures, profile, startDay, hadService)
                || !JourneyMatches(plan, figures, profile.BirthDate, day, recallDue) || repeated.Contains((clinicId, patientId)))
            {
                continue;
            }

            var records = consents[(clinicId, patientId)].ToList();
            foreach (var channel in plan.Channels.Where(c => records.Any(r => r.Channel == c && r.Granted && r.Contact is not null)))
            {
                consentByChannel[channel]++;
            }

            var chosen = plan.Channels.Select(c => records.FirstOrDefault(r => r.Channel == c && r.Granted && r.Contact is not null)).FirstOrDefault(r => r is not null);
            string? reason = null;
            if (chosen is null)
            {
                reason = records.Any(r => plan.Channels.Contains(r.Channel) && !r.Granted) ? ExclusionReasons.OptedOut : ExclusionReasons.NoConsent;
            }
            else if (caps.TryGetValue(patientId, out var sent) && (sent.Count(at => at >= weekAgo) >= settings.MaxPerWeek || sent.Count >= settings.MaxPerMonth))
            {
                reason = ExclusionReasons.FrequencyCap;
            }
            else if (recent.Contains(patientId))
            {
                reason = ExclusionReasons.RecentCampaign;
            }

            if (reason is not null)
            {
                members.Add(new AudienceMember(clinicId, patientId, figures.ValueAtRisk, CampaignGroups.Excluded, RecipientStates.Excluded, reason, null, null, null, now));
                continue;
            }

            var group = Bucket(campaignId, clinicId, patientId, "holdout") < plan.HoldoutPercent ? CampaignGroups.Holdout
                : plan.TemplateKeyB is not null && Bucket(campaignId, clinicId, patientId, "variant") < plan.SplitPercentB ? CampaignGroups.B
                : CampaignGroups.A;
            members.Add(new AudienceMember(
                clinicId, patientId, figures.ValueAtRisk, group,
                group == CampaignGroups.Holdout ? RecipientStates.HeldOut : RecipientStates.Planned,
                null, chosen!.Channel, chosen.Sequence, chosen.ChangedAt, now));
        }

        return new AudienceSelection(Schedule(members, plan, now, zone), consentByChannel, zone.Id);
    }

    /// <summary>
    /// The due times: the most valuable first, one every 3600 / throttle seconds from the start, only inside the daily
    /// window. The holdout gets the times it would have had (its bookings are counted from them), and nothing is sent to
    /// it; those past the end are cancelled (<c>campaign_ended</c>).
    /// </summary>
    private static List<AudienceMember> Schedule(List<AudienceMember> members, CampaignPlan plan, DateTimeOffset now, TimeZoneInfo zone)
    {
        var spacing = TimeSpan.FromTicks(TimeSpan.TicksPerHour / plan.ThrottlePerHour);
        var cursor = SendWindow.Next(Max(plan.StartAt, now), plan.WindowFrom, plan.WindowTo, zone);
        var scheduled = new List<AudienceMember>(members.Count);
        foreach (var member in members.Where(m => m.Group != CampaignGroups.Excluded)
                     .OrderByDescending(m => m.ValueAtRisk).ThenBy(m => m.ClinicId, StringComparer.Ordinal).ThenBy(m => m.PatientId, StringComparer.Ordinal))
        {
            var due = cursor;
            var beyond = due > plan.EndAt;
            scheduled.Add(member with
            {
                DueAt = due,
                State = beyond && member.Group != CampaignGroups.Holdout ? RecipientStates.Cancelled : member.State,
                Reason = beyond && member.Group != CampaignGroups.Holdout ? ExclusionReasons.CampaignEnded : null,
            });
            if (member.Group != CampaignGroups.Holdout && !beyond)
            {
                cursor = SendWindow.Next(cursor + spacing, plan.WindowFrom, plan.WindowTo, zone);
            }
        }

        scheduled.AddRange(members.Where(m => m.Group == CampaignGroups.Excluded));
        return scheduled;
    }

    /// <summary>Whom a journey's day is for; every patient for a campaign.</summary>
    private static bool JourneyMatches(CampaignPlan plan, PatientFigures figures, DateOnly? birthDate, DateOnly day, HashSet<(string, string)>? recallDue) =>
        plan.Journey switch
        {
            null => true,
            Journeys.Birthday => birthDate is { } birth && IsBirthday(birth, day.AddDays(plan.DaysBefore)),
            Journeys.Reactivation => figures.Segment == Segments.AtRisk,
            Journeys.Course => figures.Signals.Any(s => s.Code == Signals.CourseUnfinished),
            Journeys.Recall => recallDue!.Contains((figures.ClinicId, figures.PatientId)),
            _ => false,
        };

    /// <summary>The birthday falls on <paramref name="on"/>; one born on 29 February has it on the 28th in other years.</summary>
    internal static bool IsBirthday(DateOnly birth, DateOnly on) =>
        birth.Month == on.Month && (birth.Day == on.Day || (birth is { Month: 2, Day: 29 } && on.Day == 28 && !DateTime.IsLeapYear(on.Year)));

    /// <summary>
    /// The patients whose last completed visit of a service was the interval Audience recommends for it ago, within the
    /// last week up to <paramref name="day"/> (so a day the journey did not run is caught up), with no booking ahead.
    /// </summary>
    private async Task<HashSet<(string, string)>> RecallDueAsync(string[] clinicIds, DateOnly day, CancellationToken cancellationToken)
    {
        var due = new HashSet<(string, string)>();
        foreach (var clinicId in clinicIds)
        {
            var intervals = (await reports.RecallIntervalsAsync(clinicId, day, cancellationToken))
                .Where(r => r.By == "service" && r.RecommendedDays > 0).ToDictionary(r => r.Key, r => r.RecommendedDays, StringComparer.Ordinal);
            if (intervals.Count == 0)
            {
                continue;
            }

            var booked = (await db.Visits.AsNoTracking()
                    .Where(v => v.ClinicId == clinicId && v.PatientId != null && v.Status == VisitStatuses.Booked && v.Date >= day)
                    .Select(v => v.PatientId!).Distinct().ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);
            var last = await db.Visits.AsNoTracking()
                .Where(v => v.ClinicId == clinicId && v.PatientId != null && v.ServiceCode != null && v.Status == VisitStatuses.Completed && v.Date <= day)
                .GroupBy(v => new { PatientId = v.PatientId!, ServiceCode = v.ServiceCode! })
                .Select(g => new { g.Key.PatientId, g.Key.ServiceCode, Last = g.Max(v => v.Date) })
                .ToListAsync(cancellationToken);
            foreach (var visit in last.Where(v => v.Last is not null && !booked.Contains(v.PatientId) && intervals.ContainsKey(v.ServiceCode)))
            {
                var dueOn = visit.Last!.Value.AddDays(intervals[visit.ServiceCode]);
                if (dueOn <= day && dueOn > day.AddDays(-7))
                {
                    due.Add((clinicId, visit.PatientId));
                }
            }
        }

        return due;
    }

    private static bool Matches(
        CampaignPlan plan, PatientFigures figures, (DateOnly? BirthDate, string? Sex, string? Source) profile, DateOnly onDay, HashSet<(string, string)>? hadService)
    {
        if (plan.Segments.Count > 0 && !plan.Segments.Contains(figures.Segment))
        {
            return false;
        }

        if (plan.AgeFrom is not null || plan.AgeTo is not null)
        {
            if (profile.BirthDate is not { } birth)
            {
                return false;
            }

            var age = onDay.Year - birth.Year - (onDay < birth.AddYears(onDay.Year - birth.Year) ? 1 : 0);
            if (age < (plan.AgeFrom ?? 0) || age > (plan.AgeTo ?? int.MaxValue))
            {
                return false;
            }
        }

        if (plan.Sex is not null && profile.Sex != plan.Sex)
        {
            return false;
        }

        if ((plan.LastVisitFrom is { } from && (figures.LastVisit is not { } last1 || last1 < from))
            || (plan.LastVisitTo is { } to && (figures.LastVisit is not { } last2 || last2 > to)))
        {
            return false;
        }

        if (plan.Sources.Count > 0 && (profile.Source is null || !plan.Sources.Contains(profile.Source)))
        {
            return false;
        }

        return hadService is null || hadService.Contains((figures.ClinicId, figures.PatientId));
    }

    /// <summary>
    /// The marketing messages sent to each patient of the chain since <paramref name="since"/> (campaigns' and any other
    /// marketing send Comms made), by patient id: of every patient, or of those given (through their indexes).
    /// </summary>
    internal static async Task<Dictionary<string, List<DateTimeOffset>>> MarketingSentAsync(
        AudienceDbContext db, string[] scope, DateTimeOffset since, CancellationToken cancellationToken, string[]? patients = null)
    {
        var rows = await (patients is null
            ? db.Database.SqlQuery<SentRow>($"""
                SELECT "PatientId", min(at) AS "At" FROM (
                    SELECT "MessageId", "PatientId", "SentAt" AS at FROM campaign_recipients
                    WHERE "ClinicId" = ANY({scope}) AND "State" = 'sent' AND "SentAt" >= {since}
                    UNION ALL
                    SELECT "MessageId", "PatientId", "RequestedAt" FROM messages
                    WHERE "ClinicId" = ANY({scope}) AND "Purpose" = 'marketing' AND "PatientId" IS NOT NULL AND "RequestedAt" >= {since}
                ) sent
                GROUP BY "MessageId", "PatientId"
                """)
            : db.Database.SqlQuery<SentRow>($"""
                SELECT "PatientId", min(at) AS "At" FROM (
                    SELECT "MessageId", "PatientId", "SentAt" AS at FROM campaign_recipients
                    WHERE "PatientId" = ANY({patients}) AND "SentAt" >= {since} AND "ClinicId" = ANY({scope}) AND "State" = 'sent'
                    UNION ALL
                    SELECT "MessageId", "PatientId", "RequestedAt" FROM messages
                    WHERE "PatientId" = ANY({patients}) AND "Purpose" = 'marketing' AND "RequestedAt" >= {since} AND "ClinicId" = ANY({scope})
                ) sent
                GROUP BY "MessageId", "PatientId"
                """)).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.PatientId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(r => r.At).ToList(), StringComparer.Ordinal);
    }

    internal sealed class SentRow
    {
        public string PatientId { get; set; } = "";

        public DateTimeOffset At { get; set; }
    }

    /// <summary>The send window's zone of a clinic: as its MIS told it, else the configured default.</summary>
    internal static async Task<TimeZoneInfo> ZoneAsync(AudienceDbContext db, string clinicId, CampaignOptions settings, CancellationToken cancellationToken)
    {
        var told = await db.ClinicCards.AsNoTracking().Where(c => c.ClinicId == clinicId).Select(c => c.TimeZone).FirstOrDefaultAsync(cancellationToken);
        return told is not null && TimeZoneInfo.TryFindSystemTimeZoneById(told, out var zone) ? zone : TimeZoneInfo.FindSystemTimeZoneById(settings.DefaultTimeZone);
    }

    /// <summary>0–99, the same for the same campaign, patient and purpose, independent between purposes.</summary>
    internal static int Bucket(Guid campaignId, string clinicId, string patientId, string purpose)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{campaignId:N}|{purpose}|{clinicId}|{patientId}"), hash);
        return (int)(BitConverter.ToUInt32(hash) % 100);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>The daily send window in a zone; a window that opens when it closes is the whole day.</summary>
public static class SendWindow
{
    /// <summary><paramref name="at"/> when it is inside the window, else the window's next opening (UTC).</summary>
    public static DateTimeOffset Next(DateTimeOffset at, TimeOnly from, TimeOnly to, TimeZoneInfo zone)
    {
        if (from == to)
        {
            return at.ToUniversalTime();
        }

        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (time >= from && time < to)
        {
            return at.ToUniversalTime();
        }

        var day = DateOnly.FromDateTime(local.DateTime);
        var openDay = time < from ? day : day.AddDays(1);
        var open = openDay.ToDateTime(from);
        return new DateTimeOffset(open, zone.GetUtcOffset(open)).ToUniversalTime();
    }

    /// <summary>When the window of the day of <paramref name="at"/> closes (UTC).</summary>
    public static DateTimeOffset Closes(DateTimeOffset at, TimeOnly from, TimeOnly to, TimeZoneInfo zone)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        var close = (from == to ? day.AddDays(1) : day).ToDateTime(to);
        return new DateTimeOffset(close, zone.GetUtcOffset(close)).ToUniversalTime();
    }

    public static bool Inside(DateTimeOffset at, TimeOnly from, TimeOnly to, TimeZoneInfo zone)
    {
        if (from == to)
        {
            return true;
        }

        var time = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return time >= from && time < to;
    }
}
