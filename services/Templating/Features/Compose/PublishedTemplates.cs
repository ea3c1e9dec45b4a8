using Comms.Templating.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Features.Compose;

/// <summary>Which published version a message of a key, channel, locale and clinic is rendered from.</summary>
public static class PublishedTemplates
{
    /// <summary>The requested locale, its language ("en-GB" → "en"), then Russian; written as templates store them.</summary>
    public static List<string> LocalesToTry(string? locale)
    {
        var requested = TemplateLocales.Normalize(string.IsNullOrWhiteSpace(locale) ? ComposeMessageConsumer.DefaultLocale : locale);
        var dash = requested.IndexOf('-', StringComparison.Ordinal);
        return new[] { requested, dash > 0 ? requested[..dash] : requested, ComposeMessageConsumer.DefaultLocale }.Distinct().ToList();
    }

    /// <summary>
    /// The version published now for the key and channel: for each locale in turn (requested, its language, Russian),
    /// the clinic's own text first, then the chain-wide one. Drafts and archived versions are never used.
    /// </summary>
    public static async Task<MessageTemplate?> FindAsync(
        TemplatingDbContext db, string key, string channel, string? locale, string? clinicId, CancellationToken cancellationToken)
    {
        var locales = LocalesToTry(locale);
        var clinic = string.IsNullOrWhiteSpace(clinicId) ? null : clinicId;
        var candidates = await db.Templates.AsNoTracking()
            .Where(t => t.Key == key && t.Channel == channel && t.Status == TemplateStatuses.Published && locales.Contains(t.Locale))
            .Where(t => t.ClinicId == null || t.ClinicId == clinic)
            .ToListAsync(cancellationToken);
        return candidates
            .OrderBy(t => locales.IndexOf(t.Locale))
            .ThenBy(t => t.ClinicId is null ? 1 : 0)
            .ThenByDescending(t => t.Version)
            .FirstOrDefault();
    }
}
