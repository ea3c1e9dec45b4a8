using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Templating.Tests;

public sealed class TemplatesApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    [Fact]
    public async Task List_shows_the_seeded_published_templates()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var templates = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates", TestContext.Current.CancellationToken);

        var keys = templates.EnumerateArray()
            .Where(t => t.GetProperty("channel").GetString() == "sms" && t.GetProperty("locale").GetString() == "ru")
            .Where(t => t.GetProperty("clinicId").ValueKind == JsonValueKind.Null && t.GetProperty("publishedVersion").GetInt32() == 1)
            .Where(t => t.GetProperty("draftVersion").ValueKind == JsonValueKind.Null && t.GetProperty("updatedBy").GetString() == "system")
            .Select(t => t.GetProperty("key").GetString())
            .ToList();
        Assert.Equal(
            [
                "appointment.confirmation", "appointment.missed", "appointment.recall", "appointment.reminder", "feedback.followup", "feedback.request",
                "inbox.quick.address", "inbox.quick.phone", "inbox.reply", "waitlist.claimed", "waitlist.offer", "waitlist.taken",
            ],
            keys.Order().ToList());
        var names = templates.EnumerateArray().Where(t => t.GetProperty("channel").GetString() == "sms")
            .ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("name").GetString());
        Assert.Equal("Напоминание о приёме", names["appointment.reminder"]);
        Assert.Equal("Подтверждение записи", names["appointment.confirmation"]);
        Assert.All(names.Values, name => Assert.False(string.IsNullOrEmpty(name)));
        var emails = templates.EnumerateArray().Where(t => t.GetProperty("channel").GetString() == "email").Select(t => t.GetProperty("key").GetString());
        Assert.Equal(["appointment.confirmation", "appointment.reminder", "inbox.reply", "waitlist.claimed", "waitlist.offer", "waitlist.taken"], emails.Order().ToList());
    }

    [Fact]
    public async Task Get_returns_the_published_version_with_its_body_and_the_model()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var template = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/appointment.reminder/sms/ru", TestContext.Current.CancellationToken);

        var published = template.GetProperty("published");
        Assert.Equal(1, published.GetProperty("version").GetInt32());
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal("system", published.GetProperty("author").GetString());
        Assert.Contains("{{ appointment.date }}", published.GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, template.GetProperty("draft").ValueKind);
        var model = template.GetProperty("model").EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Equal(Features.Models.TemplateModels.For("appointment.reminder").Variables.Select(v => v.Name), model);
        Assert.Contains("appointment.time", model);
        Assert.All(template.GetProperty("model").EnumerateArray(), v => Assert.False(string.IsNullOrEmpty(v.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task The_seeded_email_reminder_has_a_subject_html_and_text()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var template = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/appointment.reminder/email/ru", TestContext.Current.CancellationToken);

        var published = template.GetProperty("published");
        Assert.StartsWith("Напоминаем о приёме", published.GetProperty("subject").GetString());
        Assert.Contains("<p>", published.GetProperty("html").GetString());
        Assert.Contains("{{ appointment.time }}", published.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Without_sign_in_the_api_answers_401_problem_details_not_a_redirect()
    {
        using var client = app.CreateBrowserClient();

        var list = await client.GetAsync("/api/v1/templates", TestContext.Current.CancellationToken);
        var preview = await client.PostAsJsonAsync("/api/v1/templates/preview", new { body = "x" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, preview.StatusCode);
    }

    [Fact]
    public async Task A_key_gives_its_russian_name_and_variables_before_any_text_of_it_exists()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var confirmation = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/keys/appointment.confirmation", TestContext.Current.CancellationToken);
        var unknown = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/keys/clinic.news", TestContext.Current.CancellationToken);
        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/keys", TestContext.Current.CancellationToken);
        using var bad = await client.GetAsync("/api/v1/templates/keys/Not%20A%20Key", TestContext.Current.CancellationToken);

        Assert.Equal("Подтверждение записи", confirmation.GetProperty("name").GetString());
        Assert.Equal(
            Features.Models.TemplateModels.For("appointment.confirmation").Variables.Select(v => v.Name),
            confirmation.GetProperty("model").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("name").ValueKind);
        Assert.Contains("patient.firstName", unknown.GetProperty("model").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        Assert.Equal(Features.Models.TemplateModels.Keys.Order(), all.EnumerateArray().Select(k => k.GetProperty("key").GetString()!).Order());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Get_of_an_unknown_template_is_a_404_problem()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var response = await client.GetAsync("/api/v1/templates/appointment.reminder/whatsapp/ru", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("template-not-found", problem.GetProperty("code").GetString());
        Assert.Equal("Шаблона «appointment.reminder» (WhatsApp, ru, вся сеть) нет.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Preview_renders_a_body_with_a_dotted_model_and_counts_segments()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var response = await client.PostAsJsonAsync(
            "/api/v1/templates/preview",
            new { body = "{{ patient.firstName }}, ждём вас {{ appointment.date }}.", model = new Dictionary<string, string> { ["patient.firstName"] = "Анна", ["appointment.date"] = "25.11" } },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("Анна, ждём вас 25.11.", preview.GetProperty("text").GetString());
        Assert.Equal(1, preview.GetProperty("segments").GetInt32());
        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
    }

    [Fact]
    public async Task Preview_of_a_broken_template_is_a_400_problem_naming_the_scriban_error()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var response = await client.PostAsJsonAsync(
            "/api/v1/templates/preview",
            new { body = "{{ if patient.firstName }}no end", model = new Dictionary<string, string>() },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(
            "«Текст сообщения»: строка 1, столбец 27: ошибка синтаксиса: не хватает {{ end }}: блок {{ if }} не закрыт",
            problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal("syntax", problem.GetProperty("codes").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Preview_refuses_include()
    {
        using var client = await app.SignInAsync(TemplatingApp.Viewer);

        var response = await client.PostAsJsonAsync(
            "/api/v1/templates/preview",
            new { body = "{{ include '/etc/passwd' }}", model = new Dictionary<string, string>() },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
