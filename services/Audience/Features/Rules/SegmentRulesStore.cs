using System.Text.Json;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Rules;

/// <summary>The segment rules a scope uses now: its latest revision, or the configured defaults.</summary>
public sealed record SegmentRulesView(
    string ScopeId, string[] Clinics, string Source, int Revision, DateTimeOffset? ChangedAt, string? ChangedBy, SegmentThresholds Rules);

/// <summary>
/// A chain's (or a standalone clinic's) segment rules with every revision kept: who changed what and when, and which
/// rules a segment was decided by. No stored revision, or a revision that returned to the defaults, means the
/// defaults of <c>Audience:Segments</c>.
/// </summary>
public sealed class SegmentRulesStore(AudienceDbContext db, IOptionsMonitor<AudienceOptions> options)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public async Task<SegmentRulesView> CurrentAsync(string clinicId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var scopeId = settings.ScopeIdOf(clinicId);
        var latest = await db.SegmentRules.AsNoTracking().Where(r => r.ScopeId == scopeId)
            .OrderByDescending(r => r.Revision).FirstOrDefaultAsync(cancellationToken);
        return View(scopeId, settings.ScopeOf(clinicId), latest, settings.Segments);
    }

    public async Task<IReadOnlyList<SegmentRulesView>> RevisionsAsync(string clinicId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var scopeId = settings.ScopeIdOf(clinicId);
        var revisions = await db.SegmentRules.AsNoTracking().Where(r => r.ScopeId == scopeId)
            .OrderByDescending(r => r.Revision).ToListAsync(cancellationToken);
        return [.. revisions.Select(r => View(scopeId, settings.ScopeOf(clinicId), r, settings.Segments))];
    }

    /// <summary>Adds a revision (null rules: back to the defaults). False when <paramref name="expected"/> is not the current revision.</summary>
    public async Task<(bool Done, SegmentRulesView View)> ChangeAsync(
        string clinicId, SegmentThresholds? rules, int? expected, string changedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await CurrentAsync(clinicId, cancellationToken);
            if (expected is { } revision && revision != current.Revision)
            {
                return (false, current);
            }

            db.SegmentRules.Add(new SegmentRulesRevision
            {
                ScopeId = current.ScopeId,
                Revision = current.Revision + 1,
                Document = rules is null ? null : JsonSerializer.Serialize(rules, Json),
                ChangedAt = now,
                ChangedBy = changedBy,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (true, await CurrentAsync(clinicId, cancellationToken));
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another change took this revision number first: an If-Match no longer holds; without one, go again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static SegmentRulesView View(string scopeId, string[] clinics, SegmentRulesRevision? revision, SegmentThresholds defaults) =>
        revision is null
            ? new SegmentRulesView(scopeId, clinics, "defaults", 0, null, null, defaults)
            : new SegmentRulesView(scopeId, clinics, revision.Document is null ? "defaults" : "scope", revision.Revision, revision.ChangedAt, revision.ChangedBy,
                revision.Document is null ? defaults : JsonSerializer.Deserialize<SegmentThresholds>(revision.Document, Json)!);
}
