using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Persistence;

/// <summary>
/// Puts the texts Comms ships (<see cref="TemplateSeed"/>) in the database at start, after the migrations: a shipped
/// text not yet on record is published as version 1 by "system"; one whose file changed since is published as the
/// next version by "system" (the earlier one archived, kept in the history), but only while the published text is still
/// the system's: once a marketer published their own (or withdrew it), the identity is theirs and stays as it is. A
/// draft in progress stays a draft. Replicas starting at once take turns (an advisory lock), so each change is made once.
/// </summary>
public sealed partial class ShippedTemplatesSeeder(IServiceScopeFactory scopes, TimeProvider time, ILogger<ShippedTemplatesSeeder> logger)
    : IHostedService
{
    /// <summary>The advisory lock the replicas take turns on (any constant no other lock of the database uses).</summary>
    private const long LockKey = 0x5EED_7E37;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        var (added, updated) = await SeedAsync(db, TemplateSeed.All, time.GetUtcNow(), cancellationToken);
        LogSeeded(logger, added, updated);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Brings the chain-wide identities of <paramref name="shipped"/> up to date; returns how many were added and how many got a new version.</summary>
    public static async Task<(int Added, int Updated)> SeedAsync(
        TemplatingDbContext db, IReadOnlyList<MessageTemplate> shipped, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        var keys = shipped.Select(t => t.Key).Distinct().ToList();
        var existing = (await db.Templates
                .Where(t => t.ClinicId == null && keys.Contains(t.Key))
                .ToListAsync(cancellationToken))
            .ToLookup(t => (t.Key, t.Channel, t.Locale));
        var (added, updated) = (0, 0);
        foreach (var text in shipped)
        {
            var versions = existing[(text.Key, text.Channel, text.Locale)].ToList();
            if (versions.Count == 0)
            {
                db.Templates.Add(Version(text, 1, basedOn: null, now));
                added++;
                continue;
            }

            var published = versions.SingleOrDefault(v => v.Status == TemplateStatuses.Published);
            if (published is null || published.Author != TemplateSeed.SystemAuthor || SameText(published, text))
            {
                continue;
            }

            published.Status = TemplateStatuses.Archived;
            published.ArchivedAt = now;
            // The archived row first: the index allows one published version per identity at any moment.
            await db.SaveChangesAsync(cancellationToken);
            db.Templates.Add(Version(text, versions.Max(v => v.Version) + 1, published.Version, now));
            updated++;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (added, updated);
    }

    private static bool SameText(MessageTemplate stored, MessageTemplate shipped) =>
        stored.Body == shipped.Body && stored.Subject == shipped.Subject && stored.Html == shipped.Html &&
        stored.WhatsAppTemplateName == shipped.WhatsAppTemplateName &&
        (stored.WhatsAppParameters ?? []).SequenceEqual(shipped.WhatsAppParameters ?? []);

    private static MessageTemplate Version(MessageTemplate shipped, int version, int? basedOn, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Key = shipped.Key,
        Channel = shipped.Channel,
        Locale = shipped.Locale,
        Version = version,
        Body = shipped.Body,
        Subject = shipped.Subject,
        Html = shipped.Html,
        WhatsAppTemplateName = shipped.WhatsAppTemplateName,
        WhatsAppParameters = shipped.WhatsAppParameters is null ? null : [.. shipped.WhatsAppParameters],
        Status = TemplateStatuses.Published,
        Author = TemplateSeed.SystemAuthor,
        BasedOnVersion = basedOn,
        CreatedAt = now,
        PublishedAt = now,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Shipped templates: {Added} added, {Updated} updated to a new version")]
    private static partial void LogSeeded(ILogger logger, int added, int updated);
}
