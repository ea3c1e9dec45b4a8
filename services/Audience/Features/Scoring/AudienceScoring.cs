using System.Collections.Concurrent;
using Comms.Audience.Features.Rules;
using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Scoring;

/// <summary>
/// The figures of a clinic's (or chain's) patients as of a date. A scoring reads every history, fits the models and
/// ranks everyone once; it is kept (per scope, date and rules revision) and refitted when it is older than
/// <c>Audience:Model:RefitAfter</c> and the history changed. Between refits a patient whose history changed is scored
/// again on their own against the kept model: one patient's figures after an event cost their own history's read, not
/// a clinic's.
/// </summary>
public sealed class AudienceScoring(
    AudienceDbContext db,
    SegmentRulesStore rules,
    IOptionsMonitor<AudienceOptions> options,
    ScoringCache cache,
    TimeProvider time)
{
    /// <summary>The scope's scoring as of the date, every patient current.</summary>
    public async Task<ScopeScores> ScoreAsync(string clinicId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var entry = await EntryAsync(clinicId, asOf, cancellationToken);
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            // Those whose history changed since the scoring read it, scored again on their own; so many (an import) that
            // the model itself is out of date, and the scope is fitted again.
            var changed = await ChangedSinceAsync(entry.Scores.Model.Clinics, entry.ReadAt, cancellationToken);
            if (changed.Count > Math.Max(1_000, entry.Scores.Model.Patients / 10))
            {
                entry.FittedAt = DateTimeOffset.MinValue;
                entry.Gate.Release();
                try
                {
                    entry = await EntryAsync(clinicId, asOf, cancellationToken);
                }
                finally
                {
                    await entry.Gate.WaitAsync(cancellationToken);
                }

                changed = [];
            }

            if (changed.Count > 0)
            {
                var readAt = time.GetUtcNow();
                var histories = await PatientHistoryReader.ReadAsync(db, entry.Scores.Model.Clinics, asOf, [.. changed], cancellationToken);
                entry.Scores.Update(histories.Select(h => ScopeScorer.Figures(h, entry.Scores.Model)));
                entry.ReadAt = readAt;
            }
        }
        finally
        {
            entry.Gate.Release();
        }

        return entry.Scores;
    }

    /// <summary>One patient's figures now, against the scope's kept model; null when the clinic has no history of them.</summary>
    public async Task<PatientFigures?> PatientAsync(string clinicId, string patientId, DateOnly asOf, int horizonDays, CancellationToken cancellationToken)
    {
        var entry = await EntryAsync(clinicId, asOf, cancellationToken);
        var history = (await PatientHistoryReader.ReadAsync(db, [clinicId], asOf, [patientId], cancellationToken)).SingleOrDefault();
        return history is null ? null : ScopeScorer.Figures(history, entry.Scores.Model, horizonDays);
    }

    private async Task<ScoringCache.Entry> EntryAsync(string clinicId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var scope = settings.ScopeOf(clinicId);
        var thresholds = await rules.CurrentAsync(clinicId, cancellationToken);
        var key = (string.Join('|', scope), asOf, thresholds.Revision);
        var entry = cache.Entries.GetOrAdd(key, _ => new ScoringCache.Entry());
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (entry.Scores is not null
                && (now - entry.FittedAt < settings.Model.RefitAfter
                    || (await ChangedSinceAsync(scope, entry.FittedReadAt, cancellationToken)).Count == 0))
            {
                entry.UsedAt = now;
                return entry;
            }

            var histories = await PatientHistoryReader.ReadAsync(db, scope, asOf, patients: null, cancellationToken);
            entry.Scores = ScopeScorer.Score(scope, asOf, histories, settings, thresholds.Rules, settings.DefaultHorizonDays);
            entry.FittedAt = entry.UsedAt = now;
            entry.FittedReadAt = entry.ReadAt = now;
            cache.Trim(keep: settings.Model.KeptScorings);
            return entry;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>
    /// A write stamped before a read may commit after it (its transaction was still open): changes are looked for from
    /// this long before the last read, so none is missed; a patient scored again for nothing costs little.
    /// </summary>
    private static readonly TimeSpan CommitLag = TimeSpan.FromMinutes(2);

    /// <summary>The scope's patients whose visits or ratings were written after <paramref name="since"/> (less the commit lag).</summary>
    private async Task<HashSet<string>> ChangedSinceAsync(string[] clinics, DateTimeOffset since, CancellationToken cancellationToken)
    {
        since -= CommitLag;
        var visits = await db.Visits.Where(v => clinics.Contains(v.ClinicId) && v.UpdatedAt >= since && v.PatientId != null)
            .Select(v => v.PatientId!).Distinct().ToListAsync(cancellationToken);
        var ratings = await db.Ratings.Where(r => clinics.Contains(r.ClinicId) && r.RecordedAt >= since)
            .Select(r => r.PatientId).Distinct().ToListAsync(cancellationToken);
        return [.. visits, .. ratings];
    }
}

/// <summary>The recent scorings kept in memory (each is a whole clinic's figures), the least recently used dropped first.</summary>
public sealed class ScoringCache
{
    public ConcurrentDictionary<(string Scope, DateOnly AsOf, int Revision), Entry> Entries { get; } = new();

    public void Trim(int keep)
    {
        foreach (var (key, _) in Entries.Where(e => e.Value.Scores is not null).OrderByDescending(e => e.Value.UsedAt).Skip(keep).ToList())
        {
            Entries.TryRemove(key, out _);
        }
    }

    public sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public ScopeScores Scores { get; set; } = null!;

        public DateTimeOffset FittedAt { get; set; }

        /// <summary>When the fit read the histories: a change after it makes the next refit worth doing.</summary>
        public DateTimeOffset FittedReadAt { get; set; }

        /// <summary>When the patients' figures were last brought up to date.</summary>
        public DateTimeOffset ReadAt { get; set; }

        public DateTimeOffset UsedAt { get; set; }
    }
}
