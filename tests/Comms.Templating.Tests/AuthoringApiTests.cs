using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Templating.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Templating.Tests;

public sealed class AuthoringApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private const string Missed = "/api/v1/templates/appointment.missed/sms/ru";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_in_with_a_configured_account_sets_the_cookie_and_me_names_the_user()
    {
        using var client = app.CreateBrowserClient();

        using var signIn = await TemplatingApp.PostSignInAsync(client, "marketer", TemplatingApp.MarketerPassword, "/templates/appointment.reminder");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/templates/appointment.reminder", signIn.Headers.Location?.OriginalString);
        Assert.Equal("marketer", me.GetProperty("userName").GetString());
        Assert.Equal("Маркетолог", me.GetProperty("displayName").GetString());
        Assert.Equal("marketer", me.GetProperty("role").GetString());
        Assert.Equal(["marketer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_wrong_password_stays_on_the_sign_in_page_with_the_error_and_signs_nobody_in()
    {
        using var client = app.CreateBrowserClient();

        using var signIn = await TemplatingApp.PostSignInAsync(client, "marketer", "wrong", "//evil.example/");
        var page = await signIn.Content.ReadAsStringAsync(Cancel);
        using var me = await client.GetAsync("/api/v1/me", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal("Неверное имя пользователя или пароль.", StaffSignInForm.Error(page));
        Assert.Contains("name=\"returnUrl\" value=\"/\"", page, StringComparison.Ordinal); // not the other site
        Assert.Contains("value=\"marketer\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal("application/problem+json", me.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_post_without_the_forms_antiforgery_token_is_refused()
    {
        using var client = app.CreateBrowserClient();

        using var signIn = await client.PostAsync(TemplatingApp.SignInPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = TemplatingApp.Marketer, ["password"] = TemplatingApp.MarketerPassword,
        }), Cancel);
        using var me = await client.GetAsync("/api/v1/me", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal("Форма устарела. Попробуйте ещё раз.", StaffSignInForm.Error(await signIn.Content.ReadAsStringAsync(Cancel)));
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_is_russian_html_and_sign_out_ends_the_session()
    {
        using var client = await app.SignInAsync();

        using var page = await client.GetAsync("/account/sign-in", Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        using var old = await client.GetAsync("/sign-in?returnUrl=%2Ftemplates", Cancel);
        using var signOut = await client.PostAsync("/account/sign-out", null, Cancel);
        using var me = await client.GetAsync("/api/v1/me", Cancel);

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"ru\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>Вход — Шаблоны сообщений</title>", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/account/sign-in\"", html, StringComparison.Ordinal);
        Assert.Contains("Пароль", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("/account/sign-in?returnUrl=%2Ftemplates", old.Headers.Location?.OriginalString);
        Assert.Equal("/account/sign-in", signOut.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_viewer_reads_and_previews_but_may_not_write()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        using var read = await client.GetAsync(Missed, Cancel);
        using var preview = await client.PostAsJsonAsync("/api/v1/templates/preview", new { body = "Текст" }, Cancel);
        using var draft = await client.PutAsJsonAsync("/api/v1/templates/appointment.missed/max/ru/draft", new { body = "Новый текст" }, Cancel);
        using var rollback = await client.PostAsJsonAsync($"{Missed}/rollback", new { version = 1 }, Cancel);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
        Assert.Equal("application/problem+json", draft.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, rollback.StatusCode);
        Assert.Null(await DraftOfAsync("appointment.missed", "max", "ru", null));
    }

    [Fact]
    public async Task Draft_publish_versions_diff_and_rollback()
    {
        const string path = "/api/v1/templates/appointment.recall/sms/ru";
        using var client = await app.SignInAsync();
        var original = (await client.GetFromJsonAsync<JsonElement>(path, Cancel)).GetProperty("published").GetProperty("body").GetString()!;
        var edited = original + "\nЖдём вас!";

        var draft = await ReadAsync(await client.PutAsJsonAsync($"{path}/draft", new { body = edited }, Cancel));
        Assert.Equal(2, draft.GetProperty("version").GetInt32());
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal(1, draft.GetProperty("basedOnVersion").GetInt32());
        Assert.Equal("marketer", draft.GetProperty("author").GetString());

        var published = await ReadAsync(await client.PostAsJsonAsync($"{path}/publish", new { version = 2 }, Cancel));
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, published.GetProperty("publishedAt").ValueKind);

        var versions = await client.GetFromJsonAsync<JsonElement>($"{path}/versions", Cancel);
        Assert.Equal([(2, "published"), (1, "archived")],
            versions.EnumerateArray().Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString()!)).ToList());

        var diff = await client.GetFromJsonAsync<JsonElement>($"{path}/diff?from=1&to=2", Cancel);
        Assert.Equal([("same", original), ("added", "Ждём вас!")],
            diff.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("kind").GetString()!, l.GetProperty("text").GetString()!)).ToList());

        var rolledBack = await ReadAsync(await client.PostAsJsonAsync($"{path}/rollback", new { version = 1 }, Cancel));
        Assert.Equal(3, rolledBack.GetProperty("version").GetInt32());
        Assert.Equal("published", rolledBack.GetProperty("status").GetString());
        Assert.Equal(1, rolledBack.GetProperty("basedOnVersion").GetInt32());
        Assert.Equal(original, rolledBack.GetProperty("body").GetString());

        var history = await client.GetFromJsonAsync<JsonElement>($"{path}/versions", Cancel);
        Assert.Equal(["published", "archived", "archived"], history.EnumerateArray().Select(v => v.GetProperty("status").GetString()).ToList());
        var template = await client.GetFromJsonAsync<JsonElement>(path, Cancel);
        Assert.Equal(3, template.GetProperty("published").GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Discarding_a_draft_leaves_the_published_version()
    {
        const string path = "/api/v1/templates/appointment.confirmation/sms/ru";
        using var client = await app.SignInAsync();
        using var saved = await client.PutAsJsonAsync($"{path}/draft", new { body = "Черновик" }, Cancel);
        using var replaced = await client.PutAsJsonAsync($"{path}/draft", new { body = "Черновик 2" }, Cancel);

        using var discarded = await client.DeleteAsync($"{path}/draft", Cancel);

        Assert.Equal(2, (await ReadAsync(replaced)).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, discarded.StatusCode);
        var template = await client.GetFromJsonAsync<JsonElement>(path, Cancel);
        Assert.Equal(JsonValueKind.Null, template.GetProperty("draft").ValueKind);
        Assert.Equal(1, template.GetProperty("published").GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("Здравствуйте, {{ if patient.firstName }}{{ patient.firstName }}", "строка 1, столбец")]
    [InlineData("{{ while true }}x{{ end }}", "строка 1, столбец")]
    [InlineData("{{ for i in 1..1000000 }}{{ i }}{{ end }}", "строка 1, столбец")]
    public async Task A_draft_that_does_not_render_is_refused_and_the_published_version_stays(string body, string expected)
    {
        using var client = await app.SignInAsync();
        using var saved = await client.PutAsJsonAsync($"{Missed}/draft", new { body }, Cancel);
        var draftVersion = (await ReadAsync(saved)).GetProperty("version").GetInt32();

        using var publish = await client.PostAsJsonAsync($"{Missed}/publish", new { version = draftVersion }, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        var problem = await publish.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains(expected, problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.OrdinalIgnoreCase);
        var template = await client.GetFromJsonAsync<JsonElement>(Missed, Cancel);
        Assert.Equal(1, template.GetProperty("published").GetProperty("version").GetInt32());
        Assert.Equal(body, template.GetProperty("draft").GetProperty("body").GetString());
    }

    [Fact]
    public async Task A_body_over_10000_characters_is_refused_and_nothing_is_saved()
    {
        const string path = "/api/v1/templates/appointment.reminder/sms/en";
        using var client = await app.SignInAsync();

        using var response = await client.PutAsJsonAsync($"{path}/draft", new { body = new string('a', 10_001) }, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains("10000", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        using var read = await client.GetAsync(path, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_clinic_override_and_a_new_locale_are_new_templates_beside_the_chain_wide_one()
    {
        using var client = await app.SignInAsync();

        using var clinic = await client.PutAsJsonAsync("/api/v1/templates/feedback.request/sms/ru/draft?clinicId=spb-2", new { body = "Оцените визит" }, Cancel);
        using var english = await client.PutAsJsonAsync("/api/v1/templates/feedback.request/sms/en-gb/draft", new { body = "Rate your visit" }, Cancel);

        Assert.Equal(1, (await ReadAsync(clinic)).GetProperty("version").GetInt32());
        Assert.Equal(1, (await ReadAsync(english)).GetProperty("version").GetInt32());
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates", Cancel);
        var feedback = list.EnumerateArray().Where(t => t.GetProperty("key").GetString() == "feedback.request")
            .Select(t => (t.GetProperty("locale").GetString(), t.GetProperty("clinicId").GetString(), t.GetProperty("draftVersion").ValueKind == JsonValueKind.Number ? "draft" : "none"))
            .ToList();
        Assert.Contains(("ru", "spb-2", "draft"), feedback);
        Assert.Contains(("en-GB", null, "draft"), feedback);
        var chainWide = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/feedback.request/sms/ru", Cancel);
        Assert.Equal(JsonValueKind.Null, chainWide.GetProperty("draft").ValueKind);
    }

    [Fact]
    public async Task Two_publishes_at_once_leave_exactly_one_published_version()
    {
        const string path = "/api/v1/templates/appointment.reminder/sms/ru?clinicId=race";
        using var marketer = await app.SignInAsync();
        using var other = await app.SignInAsync();
        await ReadAsync(await marketer.PutAsJsonAsync(path.Replace("?", "/draft?", StringComparison.Ordinal), new { body = "Текст 1" }, Cancel));
        await ReadAsync(await marketer.PostAsJsonAsync(path.Replace("?", "/publish?", StringComparison.Ordinal), new { version = 1 }, Cancel));

        for (var round = 0; round < 10; round++)
        {
            var draft = await ReadAsync(await marketer.PutAsJsonAsync(path.Replace("?", "/draft?", StringComparison.Ordinal), new { body = $"Текст {round + 2}" }, Cancel));

            var publish = marketer.PostAsJsonAsync(path.Replace("?", "/publish?", StringComparison.Ordinal), new { version = draft.GetProperty("version").GetInt32() }, Cancel);
            var rollback = other.PostAsJsonAsync(path.Replace("?", "/rollback?", StringComparison.Ordinal), new { version = 1 }, Cancel);
            var statuses = (await Task.WhenAll(publish, rollback)).Select(r => r.StatusCode).ToList();

            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, $"unexpected {s}"));
            Assert.Contains(HttpStatusCode.OK, statuses);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
            Assert.Equal(1, await db.Templates.CountAsync(t => t.ClinicId == "race" && t.Status == TemplateStatuses.Published, Cancel));

            // A refused publish leaves its draft; discard it so the next round starts clean.
            await marketer.DeleteAsync(path.Replace("?", "/draft?", StringComparison.Ordinal), Cancel);
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private async Task<MessageTemplate?> DraftOfAsync(string key, string channel, string locale, string? clinicId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TemplatingDbContext>();
        return await db.Templates.AsNoTracking().FirstOrDefaultAsync(
            t => t.Key == key && t.Channel == channel && t.Locale == locale && t.ClinicId == clinicId && t.Status == TemplateStatuses.Draft, Cancel);
    }
}
