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
        var (entry, scores) = await EntryAsync(clinicId, asOf, cancellationToken);
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            // Another request may have refitted the scope meanwhile (or failed to: then the scoring in hand stays).
            scores = entry.Scores ?? scores;

            // Those whose history changed since the scoring read it, scored again on their own; so many (an import) that
            // the model itself is out of date, and the scope is fitted again.
            var changed = Unseen(await ChangedSinceAsync(scores.Model.Clinics, entry.ReadAt, cancellationToken), entry);
            if (changed.Count > Math.Max(1_000, scores.Model.Patients / 10))
            {
                entry.FittedAt = DateTimeOffset.MinValue;
                entry.Gate.Release();
                try
                {
                    (entry, scores) = await EntryAsync(clinicId, asOf, cancellationToken);
                }
                finally
                {
                    await entry.Gate.WaitAsync(cancellationToken);
                }

                scores = entry.Scores ?? scores;
                changed = [];
            }

            if (changed.Count > 0)
            {
                var readAt = time.GetUtcNow();
                var histories = await PatientHistoryReader.ReadAsync(db, scores.Model.Clinics, asOf, [.. changed.Keys], cancellationToken);
                var model = scores.Model;
                scores.Update(histories.Select(h => ScopeScorer.Figures(h, model)));
                entry.See(changed, readAt - CommitLag);
                entry.ReadAt = readAt;
            }
        }
        finally
        {
            entry.Gate.Release();
        }

        return scores;
    }

    /// <summary>One patient's figures now, against the scope's kept model; null when the clinic has no history of them.</summary>
    public async Task<PatientFigures?> PatientAsync(string clinicId, string patientId, DateOnly asOf, int horizonDays, CancellationToken cancellationToken)
    {
        var (_, scores) = await EntryAsync(clinicId, asOf, cancellationToken);
        var history = (await PatientHistoryReader.ReadAsync(db, [clinicId], asOf, [patientId], cancellationToken)).SingleOrDefault();
        return history is null ? null : ScopeScorer.Figures(history, scores.Model, horizonDays);
    }

    /// <summary>The scope's entry and its scoring, fitted now if there is none or it is due for a refit.</summary>
    private async Task<(ScoringCache.Entry Entry, ScopeScores Scores)> EntryAsync(string clinicId, DateOnly asOf, CancellationToken cancellationToken)
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
            if (entry.Scores is { } kept
                && (now - entry.FittedAt < settings.Model.RefitAfter
                    || (await ChangedSinceAsync(scope, entry.FittedReadAt, cancellationToken)).Count == 0))
            {
                entry.UsedAt = now;
                return (entry, kept);
            }

            // What was written within the commit lag before this read is taken now, before the histories: a write the
            // histories then show is at worst scored again once for nothing; one they miss is never marked as seen.
            var recent = await ChangedSinceAsync(scope, now, cancellationToken);

            // Two streamed reads: the first fits the model on a few numbers per patient, the second makes each
            // patient's figures against it; neither holds the histories of the whole scope. The scoring being replaced
            // is let go first (requests already holding it keep it until they answer), so that a refit never holds two.
            var summaries = new List<ScopeScorer.FitInput>();
            await foreach (var history in PatientHistoryReader.ReadEachAsync(db, scope, asOf, patients: null, cancellationToken))
            {
                summaries.Add(ScopeScorer.Summarize(history, asOf, thresholds.Rules));
            }

            var model = ScopeScorer.Fit(scope, asOf, summaries, settings, thresholds.Rules, settings.DefaultHorizonDays);
            var figures = new Dictionary<(string, string), PatientFigures>(summaries.Count);
            summaries = null;
            entry.Scores = null;
            await foreach (var history in PatientHistoryReader.ReadEachAsync(db, scope, asOf, patients: null, cancellationToken))
            {
                figures[(history.ClinicId, history.PatientId)] = ScopeScorer.Figures(history, model);
            }

            var scores = new ScopeScores(model, figures);
            entry.Scores = scores;
            entry.FittedAt = entry.UsedAt = now;
            entry.FittedReadAt = entry.ReadAt = now;
            entry.Seen = SharingIds(recent, figures);
            cache.Trim(keep: settings.Model.KeptScorings);
            return (entry, scores);
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

    /// <summary>
    /// The scope's patients whose visits or ratings were written after <paramref name="since"/> (less the commit lag),
    /// each with the latest time stamp of their writes.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> ChangedSinceAsync(string[] clinics, DateTimeOffset since, CancellationToken cancellationToken)
    {
        since -= CommitLag;
        var visits = await db.Visits.Where(v => clinics.Contains(v.ClinicId) && v.UpdatedAt >= since && v.PatientId != null)
            .GroupBy(v => v.PatientId!).Select(g => new { PatientId = g.Key, Latest = g.Max(v => v.UpdatedAt) })
            .ToListAsync(cancellationToken);
        var ratings = await db.Ratings.Where(r => clinics.Contains(r.ClinicId) && r.RecordedAt >= since)
            .GroupBy(r => r.PatientId).Select(g => new { PatientId = g.Key, Latest = g.Max(r => r.RecordedAt) })
            .ToListAsync(cancellationToken);
        var changed = new Dictionary<string, DateTimeOffset>(visits.Count + ratings.Count, StringComparer.Ordinal);
        foreach (var (patient, latest) in visits.Select(v => (v.PatientId, v.Latest)).Concat(ratings.Select(r => (r.PatientId, r.Latest))))
        {
            if (!changed.TryGetValue(patient, out var known) || latest > known)
            {
                changed[patient] = latest;
            }
        }

        return changed;
    }

    /// <summary>
    /// The same writes keyed by the scoring's own copies of the patients' ids: after an import the window holds most of
    /// the clinic, and a second set of 200,000 id strings is memory the refit does not need.
    /// </summary>
    private static Dictionary<string, DateTimeOffset> SharingIds(Dictionary<string, DateTimeOffset> written, Dictionary<(string, string), PatientFigures> figures)
    {
        if (written.Count == 0)
        {
            return written;
        }

        var shared = new Dictionary<string, DateTimeOffset>(written.Count, StringComparer.Ordinal);
        foreach (var ((_, patient), _) in figures)
        {
            if (written.Remove(patient, out var latest))
            {
                shared[patient] = latest;
            }
        }

        foreach (var (patient, latest) in written)
        {
            shared[patient] = latest;
        }

        return shared;
    }

    /// <summary>
    /// Of the writes in the window, those the entry has not read yet: a patient whose latest write is no later than the
    /// one their figures were last made from is left alone. Without this, an import's rows (all within the commit lag of
    /// the read that follows them) would score the whole clinic again on every request for two minutes.
    /// </summary>
    private static Dictionary<string, DateTimeOffset> Unseen(Dictionary<string, DateTimeOffset> changed, ScoringCache.Entry entry)
    {
        foreach (var (patient, latest) in changed)
        {
            if (entry.Seen.TryGetValue(patient, out var seen) && latest <= seen)
            {
                changed.Remove(patient);
            }
        }

        return changed;
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

        /// <summary>The scoring; null before the first fit, and while (or after failing) to fit again.</summary>
        public ScopeScores? Scores { get; set; }

        public DateTimeOffset FittedAt { get; set; }

        /// <summary>When the fit read the histories: a change after it makes the next refit worth doing.</summary>
        public DateTimeOffset FittedReadAt { get; set; }

        /// <summary>When the patients' figures were last brought up to date.</summary>
        public DateTimeOffset ReadAt { get; set; }

        public DateTimeOffset UsedAt { get; set; }

        /// <summary>
        /// The patients written within the commit lag of a read, each with the latest write's stamp their figures were
        /// made after (kept only for the window: older stamps can no longer come back as changed).
        /// </summary>
        public Dictionary<string, DateTimeOffset> Seen { get; set; } = new(StringComparer.Ordinal);

        public void See(Dictionary<string, DateTimeOffset> written, DateTimeOffset windowStart)
        {
            foreach (var (patient, latest) in written)
            {
                Seen[patient] = latest;
            }

            foreach (var (patient, latest) in Seen)
            {
                if (latest < windowStart)
                {
                    Seen.Remove(patient);
                }
            }
        }
    }
}
