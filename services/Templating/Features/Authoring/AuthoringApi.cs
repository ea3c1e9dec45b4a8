using System.Security.Claims;
using Comms.Templating.Features.Accounts;
using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Comms.Templating.Features.Authoring;

/// <summary>
/// Templates and their versions for the marketer UI: list, read, draft, publish, history, diff, rollback. Every call
/// needs a signed-in user; changes need the marketer role. A template is (key, channel, locale, clinicId); the clinic is
/// the query parameter <c>clinicId</c>, absent for the chain-wide text.
/// </summary>
public static class AuthoringApi
{
    private const string Template = "/{key}/{channel}/{locale}";

    public static IEndpointRouteBuilder MapAuthoringApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListTemplates");
        group.MapGet("/keys", Keys).WithName("ListTemplateKeys");
        group.MapGet("/keys/{key}", Key).WithName("GetTemplateKey");
        group.MapGet(Template, GetAsync).WithName("GetTemplate");
        group.MapGet($"{Template}/versions", VersionsAsync).WithName("ListTemplateVersions");
        group.MapGet($"{Template}/diff", DiffAsync).WithName("DiffTemplateVersions");

        var writes = group.MapGroup("").RequireAuthorization(AccountsExtensions.MarketerPolicy);
        writes.MapPut($"{Template}/draft", SaveDraftAsync).WithName("SaveTemplateDraft");
        writes.MapDelete($"{Template}/draft", DiscardDraftAsync).WithName("DiscardTemplateDraft");
        writes.MapPost($"{Template}/publish", PublishAsync).WithName("PublishTemplate");
        writes.MapPost($"{Template}/rollback", RollbackAsync).WithName("RollBackTemplate");
        return app;
    }

    private static async Task<Ok<List<TemplateListItem>>> ListAsync(TemplatingDbContext db, CancellationToken cancellationToken)
    {
        var versions = await db.Templates.AsNoTracking()
            .Select(t => new { t.Key, t.Channel, t.Locale, t.ClinicId, t.Version, t.Status, t.Author, t.CreatedAt, t.PublishedAt })
            .ToListAsync(cancellationToken);
        var templates = versions
            .GroupBy(t => (t.Key, t.Channel, t.Locale, t.ClinicId))
            .Select(g =>
            {
                var latest = g.MaxBy(t => t.PublishedAt is { } published && published > t.CreatedAt ? published : t.CreatedAt)!;
                return new TemplateListItem(
                    g.Key.Key, TemplateModels.For(g.Key.Key).Name, g.Key.Channel, g.Key.Locale, g.Key.ClinicId,
                    g.FirstOrDefault(t => t.Status == TemplateStatuses.Published)?.Version,
                    g.FirstOrDefault(t => t.Status == TemplateStatuses.Draft)?.Version,
                    latest.PublishedAt is { } at && at > latest.CreatedAt ? at : latest.CreatedAt,
                    latest.Author);
            })
            .OrderBy(t => t.Key, StringComparer.Ordinal).ThenBy(t => t.Channel, StringComparer.Ordinal)
            .ThenBy(t => t.Locale, StringComparer.Ordinal).ThenBy(t => t.ClinicId ?? "", StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(templates);
    }

    /// <summary>The keys the catalog knows, each with its Russian name and variables.</summary>
    private static Ok<List<TemplateKeyView>> Keys() => TypedResults.Ok(TemplateModels.All.Select(TemplateKeyView.Of).ToList());

    /// <summary>One key's name and variables, also before any text of it exists (a new channel or language opens with them).</summary>
    private static Results<Ok<TemplateKeyView>, ValidationProblem> Key(string key)
    {
        var errors = DraftValidation.Identity(key.Trim(), Comms.Contracts.Channels.Sms, "ru", null);
        return errors.Count > 0 ? errors.ToProblem("Not a template key") : TypedResults.Ok(TemplateKeyView.Of(TemplateModels.For(key.Trim())));
    }

    private static async Task<Results<Ok<TemplateDetails>, ProblemHttpResult>> GetAsync(
        string key, string channel, string locale, string? clinicId, TemplatingDbContext db, CancellationToken cancellationToken)
    {
        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var versions = await identity.Current(db.Templates.AsNoTracking()).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            return NotFound(identity);
        }

        var published = versions.FirstOrDefault(t => t.Status == TemplateStatuses.Published);
        var draft = versions.FirstOrDefault(t => t.Status == TemplateStatuses.Draft);
        return TypedResults.Ok(new TemplateDetails(
            identity.Key, TemplateModels.For(identity.Key).Name, identity.Channel, identity.Locale, identity.ClinicId,
            published is null ? null : TemplateVersionView.From(published),
            draft is null ? null : TemplateVersionView.From(draft),
            TemplateModels.For(identity.Key).Variables));
    }

    private static async Task<Results<Ok<List<TemplateVersionView>>, ProblemHttpResult>> VersionsAsync(
        string key, string channel, string locale, string? clinicId, TemplatingDbContext db, CancellationToken cancellationToken)
    {
        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var versions = await identity.All(db.Templates.AsNoTracking()).OrderByDescending(t => t.Version).ToListAsync(cancellationToken);
        return versions.Count == 0 ? NotFound(identity) : TypedResults.Ok(versions.Select(TemplateVersionView.From).ToList());
    }

    private static async Task<Results<Ok<TemplateDiff>, ValidationProblem, ProblemHttpResult>> DiffAsync(
        string key, string channel, string locale, string? clinicId, int? from, int? to, TemplatingDbContext db, CancellationToken cancellationToken)
    {
        if (from is null || to is null)
        {
            return TemplatingProblems.One(from is null ? "from" : "to", ErrorCodes.Required,
                "Укажите номера сравниваемых версий, например ?from=1&to=3.");
        }

        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var versions = await identity.All(db.Templates.AsNoTracking())
            .Where(t => t.Version == from || t.Version == to)
            .ToListAsync(cancellationToken);
        var old = versions.FirstOrDefault(t => t.Version == from);
        var @new = versions.FirstOrDefault(t => t.Version == to);
        if (old is null || @new is null)
        {
            return NoSuchVersion(identity, old is null ? from.Value : to.Value);
        }

        return TypedResults.Ok(new TemplateDiff(
            old.Version,
            @new.Version,
            LineDiff.Compute(old.Body, @new.Body),
            old.Subject is null && @new.Subject is null ? null : LineDiff.Compute(old.Subject, @new.Subject),
            old.Html is null && @new.Html is null ? null : LineDiff.Compute(old.Html, @new.Html)));
    }

    private static async Task<Results<Ok<TemplateVersionView>, ValidationProblem, ProblemHttpResult>> SaveDraftAsync(
        string key, string channel, string locale, string? clinicId, DraftRequest draft, ClaimsPrincipal user,
        TemplatingDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var errors = DraftValidation.Identity(key, channel, locale, identity.ClinicId).AddRange(DraftValidation.Draft(identity.Channel, draft));
        if (errors.Count > 0)
        {
            return errors.ToProblem("The draft cannot be saved", "Черновик не сохранён.");
        }

        var versions = await identity.All(db.Templates).ToListAsync(cancellationToken);
        var current = versions.FirstOrDefault(t => t.Status == TemplateStatuses.Draft);
        if (current is null)
        {
            current = new MessageTemplate
            {
                Id = Guid.CreateVersion7(),
                Key = identity.Key,
                Channel = identity.Channel,
                Locale = identity.Locale,
                ClinicId = identity.ClinicId,
                Version = versions.Count == 0 ? 1 : versions.Max(t => t.Version) + 1,
                Body = "",
                Status = TemplateStatuses.Draft,
                Author = "",
                BasedOnVersion = versions.FirstOrDefault(t => t.Status == TemplateStatuses.Published)?.Version,
            };
            db.Templates.Add(current);
        }

        current.Body = draft.Body!;
        current.Subject = NullIfEmpty(draft.Subject);
        current.Html = NullIfEmpty(draft.Html);
        current.WhatsAppTemplateName = NullIfEmpty(draft.WhatsAppTemplateName);
        current.WhatsAppParameters = draft.WhatsAppParameters is { Count: > 0 } parameters ? [.. parameters] : null;
        current.Author = user.UserName();
        current.CreatedAt = time.GetUtcNow();
        if (await SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(TemplateVersionView.From(current));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DiscardDraftAsync(
        string key, string channel, string locale, string? clinicId, TemplatingDbContext db, CancellationToken cancellationToken)
    {
        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var draft = await identity.All(db.Templates).FirstOrDefaultAsync(t => t.Status == TemplateStatuses.Draft, cancellationToken);
        if (draft is null)
        {
            return TemplatingProblems.Of(StatusCodes.Status404NotFound, ErrorCodes.DraftNotFound, "No draft",
                $"У шаблона {TemplatingProblems.Describe(identity)} нет черновика.");
        }

        db.Templates.Remove(draft);
        if (await SaveAsync(db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TemplateVersionView>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        string key, string channel, string locale, string? clinicId, VersionRequest request, TemplateRenderer renderer,
        TemplatingDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Version is not { } number)
        {
            return TemplatingProblems.One("version", ErrorCodes.Required, "Укажите номер версии черновика, который опубликовать.");
        }

        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var versions = await identity.Current(db.Templates).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            return NotFound(identity);
        }

        var draft = versions.FirstOrDefault(t => t.Status == TemplateStatuses.Draft);
        if (draft?.Version != number)
        {
            return TemplatingProblems.Of(StatusCodes.Status409Conflict, ErrorCodes.NotTheDraft, "Not the current draft",
                draft is null
                    ? $"У шаблона {TemplatingProblems.Describe(identity)} нет черновика: публиковать нечего."
                    : $"Черновик шаблона {TemplatingProblems.Describe(identity)} — версия {draft.Version}, а не {number}: обновите страницу и попробуйте ещё раз.");
        }

        var errors = DraftValidation.Publishable(draft, renderer);
        if (errors.Count > 0)
        {
            return errors.ToProblem("The draft cannot be published", "Ничего не изменилось: опубликованная версия осталась прежней.");
        }

        if (await ReplacePublishedAsync(db, versions.FirstOrDefault(t => t.Status == TemplateStatuses.Published), draft, time, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(TemplateVersionView.From(draft));
    }

    private static async Task<Results<Ok<TemplateVersionView>, ValidationProblem, ProblemHttpResult>> RollbackAsync(
        string key, string channel, string locale, string? clinicId, VersionRequest request, ClaimsPrincipal user,
        TemplateRenderer renderer, TemplatingDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.Version is not { } number)
        {
            return TemplatingProblems.One("version", ErrorCodes.Required, "Укажите номер версии, которую вернуть.");
        }

        var identity = TemplateIdentity.Of(key, channel, locale, clinicId);
        var versions = await identity.All(db.Templates).ToListAsync(cancellationToken);
        var source = versions.FirstOrDefault(t => t.Version == number);
        if (source is null)
        {
            return NoSuchVersion(identity, number);
        }

        if (source.Status == TemplateStatuses.Draft)
        {
            return TemplatingProblems.One("version", ErrorCodes.NotTheDraft, $"Версия {number} — черновик: его публикуют, а не возвращают.");
        }

        var copy = new MessageTemplate
        {
            Id = Guid.CreateVersion7(),
            Key = source.Key,
            Channel = source.Channel,
            Locale = source.Locale,
            ClinicId = source.ClinicId,
            Version = versions.Max(t => t.Version) + 1,
            Body = source.Body,
            Subject = source.Subject,
            Html = source.Html,
            WhatsAppTemplateName = source.WhatsAppTemplateName,
            WhatsAppParameters = source.WhatsAppParameters is null ? null : [.. source.WhatsAppParameters],
            Status = TemplateStatuses.Published,
            Author = user.UserName(),
            BasedOnVersion = source.Version,
            CreatedAt = time.GetUtcNow(),
        };
        var errors = DraftValidation.Publishable(copy, renderer);
        if (errors.Count > 0)
        {
            return errors.ToProblem($"Version {number} cannot be published again", "Ничего не изменилось: опубликованная версия осталась прежней.");
        }

        if (await ReplacePublishedAsync(db, versions.FirstOrDefault(t => t.Status == TemplateStatuses.Published), copy, time, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(TemplateVersionView.From(copy));
    }

    /// <summary>
    /// Archives the published version, then publishes the next one (a draft, or a rollback's new copy), in one transaction and two statements, so the
    /// "one published version" index holds at every step. Two publishes at the same moment: the status concurrency
    /// token or that index stops the second, which gets 409 and changes nothing.
    /// </summary>
    private static async Task<ProblemHttpResult?> ReplacePublishedAsync(
        TemplatingDbContext db, MessageTemplate? published, MessageTemplate next, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (published is not null)
        {
            published.Status = TemplateStatuses.Archived;
            published.ArchivedAt = now;
            if (await SaveAsync(db, cancellationToken) is { } archiveConflict)
            {
                return archiveConflict;
            }
        }

        next.Status = TemplateStatuses.Published;
        next.PublishedAt = now;
        if (db.Entry(next).State == EntityState.Detached)
        {
            db.Templates.Add(next);
        }

        if (await SaveAsync(db, cancellationToken) is { } publishConflict)
        {
            return publishConflict;
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>Saves, or says why not when another change to the same template won the race.</summary>
    private static async Task<ProblemHttpResult?> SaveAsync(TemplatingDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TemplatingProblems.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict, "Changed at the same moment",
                "Этот шаблон в тот же момент изменил кто-то другой. Ваши изменения не сохранены: обновите страницу и попробуйте ещё раз.");
        }
    }

    private static ProblemHttpResult NotFound(TemplateIdentity identity) => TemplatingProblems.Of(
        StatusCodes.Status404NotFound, ErrorCodes.TemplateNotFound, "No such template", $"Шаблона {TemplatingProblems.Describe(identity)} нет.");

    private static ProblemHttpResult NoSuchVersion(TemplateIdentity identity, int version) => TemplatingProblems.Of(
        StatusCodes.Status404NotFound, ErrorCodes.VersionNotFound, "No such version", $"У шаблона {TemplatingProblems.Describe(identity)} нет версии {version}.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
