using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Templating.Tests;

public sealed class TemplatesApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    [Fact]
    public async Task List_shows_the_seeded_published_templates()
    {
        using var client = app.CreateClient();

        var templates = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates", TestContext.Current.CancellationToken);

        var keys = templates.EnumerateArray()
            .Where(t => t.GetProperty("channel").GetString() == "sms" && t.GetProperty("locale").GetString() == "ru")
            .Where(t => t.GetProperty("status").GetString() == "published" && t.GetProperty("version").GetInt32() == 1)
            .Select(t => t.GetProperty("key").GetString())
            .ToList();
        Assert.Contains("appointment.confirmation", keys);
        Assert.Contains("appointment.reminder", keys);
        Assert.Contains("appointment.missed", keys);
    }

    [Fact]
    public async Task Get_returns_the_latest_published_version_with_its_body()
    {
        using var client = app.CreateClient();

        var template = await client.GetFromJsonAsync<JsonElement>("/api/v1/templates/appointment.reminder/sms/ru", TestContext.Current.CancellationToken);

        Assert.Equal(1, template.GetProperty("version").GetInt32());
        Assert.Contains("{{ appointment.date }}", template.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Get_of_an_unknown_template_is_a_404_problem()
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync("/api/v1/templates/appointment.reminder/email/ru", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Preview_renders_a_body_with_a_dotted_model_and_counts_segments()
    {
        using var client = app.CreateClient();

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
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync(
            "/api/v1/templates/preview",
            new { body = "{{ if patient.firstName }}no end", model = new Dictionary<string, string>() },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var error = problem.GetProperty("errors").GetProperty("body")[0].GetString();
        Assert.Contains("does not parse", error);
    }

    [Fact]
    public async Task Preview_refuses_include()
    {
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync(
            "/api/v1/templates/preview",
            new { body = "{{ include '/etc/passwd' }}", model = new Dictionary<string, string>() },
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
