using System.Net.Http.Json;
using Comms.Templating.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Templating.Tests;

/// <summary>
/// The shipped texts come from files and reach the database at start (<see cref="ShippedTemplatesSeeder"/>): a later
/// build with a changed file publishes the new text as the system's next version, unless a marketer has made the
/// template their own.
/// </summary>
public sealed class ShippedTemplatesTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fresh_database_has_every_shipped_file_as_version_1_by_system_and_a_restart_adds_nothing()
    {
        var stored = await ShippedTemplatesDb.ChainWideAsync(app);
        foreach (var shipped in TemplateSeed.All)
        {
            var row = Assert.Single(stored, t => t.Key == shipped.Key && t.Channel == shipped.Channel && t.Locale == shipped.Locale);
            Assert.Equal((1, TemplateStatuses.Published, TemplateSeed.SystemAuthor), (row.Version, row.Status, row.Author));
            Assert.Equal((shipped.Body, shipped.Subject, shipped.Html), (row.Body, row.Subject, row.Html));
        }

        // The files as built: every email has its subject and HTML, and no text keeps the file's final line break.
        Assert.All(TemplateSeed.All.Where(t => t.Channel == "email"), t => Assert.False(string.IsNullOrEmpty(t.Subject) || string.IsNullOrEmpty(t.Html)));
        Assert.All(TemplateSeed.All, t => Assert.False(t.Body.EndsWith('\n'), $"{t.Key}/{t.Channel} ends with a line break"));
        Assert.Contains("\n\n", TemplateSeed.All.Single(t => t is { Key: TemplateSeed.ReminderKey, Channel: "email" }).Body, StringComparison.Ordinal);

        Assert.Equal((0, 0), await ShippedTemplatesDb.SeedAsync(app, TemplateSeed.All));
    }

}

/// <summary>A later build's shipped texts against a database a marketer has worked in (a fixture of its own: it changes the shipped identities).</summary>
public sealed class ShippedTemplateChangesTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_changed_file_becomes_the_systems_next_version_but_a_template_a_marketer_made_their_own_is_kept()
    {
        using var marketer = await app.SignInAsync();
        // The marketer publishes their own missed-visit SMS, and starts a draft of the recall.
        using var draft = await marketer.PutAsJsonAsync("/api/v1/templates/appointment.missed/sms/ru/draft", new { body = "Свой текст маркетолога" }, Cancel);
        draft.EnsureSuccessStatusCode();
        (await marketer.PostAsJsonAsync("/api/v1/templates/appointment.missed/sms/ru/publish", new { version = 2 }, Cancel)).EnsureSuccessStatusCode();
        (await marketer.PutAsJsonAsync("/api/v1/templates/appointment.recall/sms/ru/draft", new { body = "Черновик отзыва" }, Cancel)).EnsureSuccessStatusCode();

        var changed = new[] { TemplateSeed.ReminderKey, TemplateSeed.MissedKey, TemplateSeed.RecallKey };
        var next = TemplateSeed.All
            .Select(t => t.Channel == "sms" && changed.Contains(t.Key) ? ShippedTemplatesDb.Copy(t, t.Body + " Новая редакция.") : t)
            .Append(ShippedTemplatesDb.Copy(TemplateSeed.All.Single(t => t is { Key: TemplateSeed.ReminderKey, Channel: "sms" }), "Новый текст", key: "appointment.new-kind"))
            .ToList();

        Assert.Equal((1, 2), await ShippedTemplatesDb.SeedAsync(app, next));

        var stored = await ShippedTemplatesDb.ChainWideAsync(app);
        var reminder = stored.Where(t => t is { Key: TemplateSeed.ReminderKey, Channel: "sms" }).OrderBy(t => t.Version).ToList();
        Assert.Equal([(1, TemplateStatuses.Archived), (2, TemplateStatuses.Published)], reminder.Select(t => (t.Version, t.Status)));
        Assert.Equal((TemplateSeed.SystemAuthor, 1, TemplateSeed.Body(TemplateSeed.ReminderKey) + " Новая редакция."),
            (reminder[1].Author, reminder[1].BasedOnVersion, reminder[1].Body));
        Assert.NotNull(reminder[0].ArchivedAt);

        var missed = stored.Where(t => t is { Key: TemplateSeed.MissedKey, Channel: "sms" }).OrderBy(t => t.Version).ToList();
        Assert.Equal([(1, TemplateStatuses.Archived), (2, TemplateStatuses.Published)], missed.Select(t => (t.Version, t.Status)));
        Assert.Equal(("marketer", "Свой текст маркетолога"), (missed[1].Author, missed[1].Body));

        var recall = stored.Where(t => t is { Key: TemplateSeed.RecallKey, Channel: "sms" }).OrderBy(t => t.Version).ToList();
        Assert.Equal([(1, TemplateStatuses.Archived), (2, TemplateStatuses.Draft), (3, TemplateStatuses.Published)], recall.Select(t => (t.Version, t.Status)));
        Assert.Equal(("Черновик отзыва", TemplateSeed.SystemAuthor), (recall[1].Body, recall[2].Author));

        var added = Assert.Single(stored, t => t.Key == "appointment.new-kind");
        Assert.Equal((1, TemplateStatuses.Published, "Новый текст"), (added.Version, added.Status, added.Body));

        // What the service renders now is the new published text.
        var api = await marketer.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/templates/appointment.reminder/sms/ru", Cancel);
        Assert.Equal(2, api.GetProperty("published").GetProperty("version").GetInt32());

        Assert.Equal((0, 0), await ShippedTemplatesDb.SeedAsync(app, next));
    }

}

/// <summary>The two fixtures' way to the seeder and to the chain-wide rows.</summary>
internal static class ShippedTemplatesDb
{
    public static async Task<(int, int)> SeedAsync(TemplatingApp app, IReadOnlyList<MessageTemplate> shipped)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        return await ShippedTemplatesSeeder.SeedAsync(db, shipped, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
    }

    public static async Task<List<MessageTemplate>> ChainWideAsync(TemplatingApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        return await db.Templates.AsNoTracking().Where(t => t.ClinicId == null).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static MessageTemplate Copy(MessageTemplate t, string body, string? key = null) => new()
    {
        Key = key ?? t.Key, Channel = t.Channel, Locale = t.Locale, Version = 1, Body = body, Subject = t.Subject, Html = t.Html,
        Status = t.Status, Author = t.Author,
    };
}
