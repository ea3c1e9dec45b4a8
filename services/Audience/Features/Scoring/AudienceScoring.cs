using Comms.Audience.Features.Rules;
using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Scoring;

/// <summary>
/// The figures of a clinic's (or chain's) patients as of a date: read, fitted and scored once, then kept while the
/// history does not change (a few recent scorings, keyed by the history's size and last change), so that the model,
/// a patient and the lists asked one after another cost one scoring.
/// </summary>
public sealed class AudienceScoring(
    AudienceDbContext db,
    SegmentRulesStore rules,
    IOptionsMonitor<AudienceOptions> options,
    ScoringCache cache)
{
    public async Task<ScopeScores> ScoreAsync(string clinicId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var scope = settings.ScopeOf(clinicId);
        var stamp = await db.Visits.Where(v => scope.Contains(v.ClinicId))
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Changed = g.Max(v => v.UpdatedAt) })
            .FirstOrDefaultAsync(cancellationToken);
        var ratings = await db.Ratings.Where(r => scope.Contains(r.ClinicId)).CountAsync(cancellationToken);
        var thresholds = await rules.CurrentAsync(clinicId, cancellationToken);
        var key = (string.Join('|', scope), asOf, stamp?.Count ?? 0, stamp?.Changed ?? DateTimeOffset.MinValue, ratings, thresholds.Revision);
        if (cache.Memory.TryGetValue(key, out ScopeScores? cached) && cached is not null)
        {
            return cached;
        }

        var histories = await PatientHistoryReader.ReadAsync(db, scope, asOf, patientId: null, cancellationToken);
        var scores = ScopeScorer.Score(scope, asOf, histories, settings, thresholds.Rules, settings.DefaultHorizonDays);
        cache.Memory.Set(key, scores, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        return scores;
    }

    /// <summary>One patient over another horizon than the scoring's: their figures made again with the scope's model.</summary>
    public async Task<PatientFigures?> PatientAsync(string clinicId, string patientId, DateOnly asOf, int horizonDays, CancellationToken cancellationToken)
    {
        var scores = await ScoreAsync(clinicId, asOf, cancellationToken);
        if (!scores.Patients.TryGetValue((clinicId, patientId), out var figures))
        {
            return null;
        }

        var settings = options.CurrentValue;
        if (horizonDays == settings.DefaultHorizonDays)
        {
            return figures;
        }

        var history = (await PatientHistoryReader.ReadAsync(db, [clinicId], asOf, patientId, cancellationToken)).Single();
        var thresholds = await rules.CurrentAsync(clinicId, cancellationToken);
        return ScopeScorer.Figures(history, asOf, scores.Model, figures.Rfm, thresholds.Rules, settings.AnnualDiscountRate, horizonDays);
    }
}

/// <summary>The few recent scorings kept in memory (each is a whole clinic's figures).</summary>
public sealed class ScoringCache : IDisposable
{
    public MemoryCache Memory { get; } = new(new MemoryCacheOptions { SizeLimit = 4 });

    public void Dispose() => Memory.Dispose();
}
