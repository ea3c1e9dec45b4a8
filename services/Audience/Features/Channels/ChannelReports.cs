using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Audience.Features.Channels;

/// <param name="Messages">Messages asked to be sent in the period.</param>
/// <param name="Sent">Taken by a provider (accepted, sent, delivered or expired at the carrier).</param>
/// <param name="Read">Read by the patient, where the channel tells: no channel Comms speaks reports reads today, so null.</param>
/// <param name="NoShowAfterConfirmed">Of the appointments whose request was confirmed, the share the patient missed.</param>
/// <param name="NoShowUnconfirmed">Of those whose request went unanswered, the share missed.</param>
public sealed record ChannelRow(
    string Channel, string? TemplateKey, string? Segment,
    int Messages, int Sent, int Delivered, int? Read, int Blocked, int Failed, int Replied, int Confirmed, int CancelledByReply,
    double? DeliveryRate, double? ReplyRate, double? ConfirmationRate,
    double? NoShowAfterConfirmed, double? NoShowUnconfirmed,
    decimal Cost, decimal? CostPerDelivered, decimal? CostPerConfirmedVisit, double? MedianMinutesToAnswer);

public sealed record TimingRow(string Kind, string Bucket, int Messages, double? ConfirmationRate, double? NoShowRate);

public sealed record RecallRow(string By, string Key, int Intervals, int Patients, double MedianDays, double LowerQuartileDays, double UpperQuartileDays, int RecommendedDays);

/// <summary>
/// What Comms' messages did, from the facts <see cref="MessageFactsConsumer"/> and <see cref="AnswersConsumer"/> keep:
/// per channel, template and segment; by lead time and hour; and how often patients come back for each service.
/// </summary>
public sealed class ChannelReports(AudienceDbContext db, AudienceScoring scoring)
{
    /// <summary>The lead times the default reminder rules use (72 h, 24 h, 2 h before), as buckets around them.</summary>
    public static string LeadBucket(TimeSpan lead) => lead.TotalHours switch
    {
        >= 48 => "72h",
        >= 12 => "24h",
        >= 0 => "2h",
        _ => "after",
    };

    public async Task<IReadOnlyList<ChannelRow>> ChannelsAsync(string clinicId, DateOnly from, DateOnly to, DateOnly asOf, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(clinicId, from, to, cancellationToken);
        var segments = (await scoring.ScoreAsync(clinicId, asOf, cancellationToken)).Patients;
        var outcomes = await OutcomesAsync(clinicId, facts, cancellationToken);
        string? SegmentOf(MessageFact f) => f.PatientId is { } p && segments.TryGetValue((clinicId, p), out var figures) ? figures.Segment : null;

        return [.. facts
            .GroupBy(f => (Channel: f.Channel ?? "unknown", f.TemplateKey, Segment: SegmentOf(f)))
            .OrderBy(g => g.Key.Channel, StringComparer.Ordinal).ThenBy(g => g.Key.TemplateKey, StringComparer.Ordinal).ThenBy(g => g.Key.Segment, StringComparer.Ordinal)
            .Select(g => Row(g.Key.Channel, g.Key.TemplateKey, g.Key.Segment, [.. g], outcomes))];
    }

    /// <summary>
    /// The analytics page's two tables from one read of the period's messages and their visits: a row per channel
    /// (every template and segment together), and the timing rows of <see cref="TimingAsync"/>.
    /// </summary>
    public async Task<(IReadOnlyList<ChannelRow> Channels, IReadOnlyList<TimingRow> Timing)> PageAsync(
        string clinicId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(clinicId, from, to, cancellationToken);
        var visits = await VisitsOfAsync(clinicId, facts, cancellationToken);
        var outcomes = visits.ToDictionary(v => v.Key, v => v.Value.Status);
        IReadOnlyList<ChannelRow> channels = [.. facts
            .GroupBy(f => f.Channel ?? "unknown")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Row(g.Key, null, null, [.. g], outcomes))];
        return (channels, Timing(facts, visits));
    }

    public async Task<IReadOnlyList<TimingRow>> TimingAsync(string clinicId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(clinicId, from, to, cancellationToken);
        return Timing(facts, await VisitsOfAsync(clinicId, facts, cancellationToken));
    }

    private static List<TimingRow> Timing(List<MessageFact> facts, Dictionary<string, Visit> visits)
    {
        var rows = new List<TimingRow>();
        var timed = facts
            .Where(f => f.RequestedAt is not null && f.AppointmentId is not null && visits.ContainsKey(f.AppointmentId) && visits[f.AppointmentId].StartsAt is not null)
            .Select(f => (Fact: f, Visit: visits[f.AppointmentId!]))
            .ToList();
        foreach (var kind in new[] { "confirmation", "reminder" })
        {
            var ofKind = timed.Where(t => (t.Fact.ExpectedReply == ExpectedReplies.Confirmation) == (kind == "confirmation")).ToList();
            foreach (var group in ofKind.GroupBy(t => LeadBucket(t.Visit.StartsAt!.Value - t.Fact.RequestedAt!.Value)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                rows.Add(Timing(kind, "lead:" + group.Key, [.. group]));
            }

            foreach (var group in ofKind.GroupBy(t => LocalHour(t.Fact.RequestedAt!.Value, t.Visit.TimeZone)).OrderBy(g => g.Key))
            {
                rows.Add(Timing(kind, $"hour:{group.Key:00}", [.. group]));
            }
        }

        return rows;
    }

    /// <summary>
    /// The days between a patient's consecutive completed visits of one service (and of one specialty), up to the
    /// date: median and quartiles, and the recall interval recommended — the median, so that half of the patients
    /// who come back are reminded before they would have come by themselves.
    /// </summary>
    public async Task<IReadOnlyList<RecallRow>> RecallIntervalsAsync(string clinicId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var rows = new List<RecallRow>();
        foreach (var by in new[] { "service", "specialty" })
        {
            var gaps = await db.Database.SqlQuery<RecallGap>($"""
                SELECT key AS "Key", patient AS "Patient", gap AS "Gap" FROM (
                    SELECT CASE WHEN {by} = 'service' THEN "ServiceCode" ELSE "Specialty" END AS key, "PatientId" AS patient,
                        "Date" - lag("Date") OVER (
                            PARTITION BY "PatientId", CASE WHEN {by} = 'service' THEN "ServiceCode" ELSE "Specialty" END ORDER BY "Date") AS gap
                    FROM visits
                    WHERE "ClinicId" = {clinicId} AND "Status" = 'completed' AND "Date" <= {asOf} AND "PatientId" IS NOT NULL) g
                WHERE gap > 0 AND key IS NOT NULL
                """).ToListAsync(cancellationToken);
            foreach (var group in gaps.GroupBy(g => g.Key).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var sorted = group.Select(g => (double)g.Gap).Order().ToArray();
                var median = Percentile(sorted, 0.5);
                rows.Add(new RecallRow(by, group.Key, sorted.Length, group.Select(g => g.Patient).Distinct().Count(),
                    median, Percentile(sorted, 0.25), Percentile(sorted, 0.75), (int)Math.Round(median)));
            }
        }

        return rows;
    }

    private sealed class RecallGap
    {
        public string Key { get; set; } = "";

        public string Patient { get; set; } = "";

        public int Gap { get; set; }
    }

    private async Task<List<MessageFact>> FactsAsync(string clinicId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return await db.Messages.AsNoTracking()
            .Where(m => m.ClinicId == clinicId && m.RequestedAt >= start && m.RequestedAt < end)
            .ToListAsync(cancellationToken);
    }

    private async Task<Dictionary<string, Visit>> VisitsOfAsync(string clinicId, List<MessageFact> facts, CancellationToken cancellationToken)
    {
        var keys = facts.Where(f => f.AppointmentId is not null).Select(f => "a:" + f.AppointmentId).Distinct().ToList();
        var visits = await db.Visits.AsNoTracking().Where(v => v.ClinicId == clinicId && keys.Contains(v.VisitKey)).ToListAsync(cancellationToken);
        return visits.ToDictionary(v => v.VisitKey[2..]);
    }

    private async Task<Dictionary<string, string>> OutcomesAsync(string clinicId, List<MessageFact> facts, CancellationToken cancellationToken) =>
        (await VisitsOfAsync(clinicId, facts, cancellationToken)).ToDictionary(v => v.Key, v => v.Value.Status);

    private static ChannelRow Row(string channel, string? template, string? segment, List<MessageFact> facts, Dictionary<string, string> outcomes)
    {
        int Count(Func<MessageFact, bool> f) => facts.Count(f);
        var sent = Count(f => f.Status is MessageStatuses.Accepted or MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Expired);
        var delivered = Count(f => f.Status == MessageStatuses.Delivered);
        var requests = facts.Where(f => f.ExpectedReply == ExpectedReplies.Confirmation).ToList();
        var confirmed = requests.Where(f => f.Answer == MessageAnswers.Confirmed).ToList();
        var unanswered = requests.Where(f => f.Answer is null && f.Status != MessageStatuses.Blocked).ToList();
        double? NoShowShare(List<MessageFact> of)
        {
            var closed = of.Where(f => f.AppointmentId is not null && outcomes.TryGetValue(f.AppointmentId, out var s) && s is "completed" or "no_show")
                .Select(f => f.AppointmentId!).Distinct().ToList();
            return closed.Count == 0 ? null : (double)closed.Count(a => outcomes[a] == "no_show") / closed.Count;
        }

        var cost = facts.Sum(f => f.Cost ?? 0);
        var requestCost = requests.Sum(f => f.Cost ?? 0);
        var confirmedVisits = confirmed.Where(f => f.AppointmentId is not null && outcomes.GetValueOrDefault(f.AppointmentId) == "completed")
            .Select(f => f.AppointmentId).Distinct().Count();
        var answerMinutes = facts.Where(f => f.RepliedAt is not null && (f.SentAt ?? f.RequestedAt) is not null)
            .Select(f => (f.RepliedAt!.Value - (f.SentAt ?? f.RequestedAt)!.Value).TotalMinutes).Where(m => m >= 0).Order().ToArray();
        return new ChannelRow(
            channel, template, segment,
            facts.Count, sent, delivered, null,
            Count(f => f.Status == MessageStatuses.Blocked),
            Count(f => f.Status is MessageStatuses.FailedPermanent or MessageStatuses.FailedTemporary),
            Count(f => f.RepliedAt is not null),
            confirmed.Count,
            requests.Count(f => f.Answer == MessageAnswers.Cancelled),
            sent == 0 ? null : (double)delivered / sent,
            sent == 0 ? null : (double)Count(f => f.RepliedAt is not null) / sent,
            requests.Count == 0 ? null : (double)confirmed.Count / requests.Count,
            NoShowShare(confirmed),
            NoShowShare(unanswered),
            cost,
            delivered == 0 ? null : decimal.Round(cost / delivered, 2),
            confirmedVisits == 0 ? null : decimal.Round(requestCost / confirmedVisits, 2),
            answerMinutes.Length == 0 ? null : Percentile(answerMinutes, 0.5));
    }

    private static TimingRow Timing(string kind, string bucket, List<(MessageFact Fact, Visit Visit)> of)
    {
        var closed = of.Where(t => t.Visit.Status is "completed" or "no_show").ToList();
        return new TimingRow(kind, bucket, of.Count,
            kind == "confirmation" && of.Count > 0 ? (double)of.Count(t => t.Fact.Answer == MessageAnswers.Confirmed) / of.Count : null,
            closed.Count == 0 ? null : (double)closed.Count(t => t.Visit.Status == "no_show") / closed.Count);
    }

    private static int LocalHour(DateTimeOffset at, string? timeZone)
    {
        var zone = timeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at, zone).Hour;
    }

    /// <summary>Linear interpolation between the closest ranks (sorted input).</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
