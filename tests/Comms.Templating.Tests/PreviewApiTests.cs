using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Hosting;

namespace Comms.Templating.Tests;

/// <summary>The preview a marketer sees while writing: the text with the key's sample model, SMS parts, encoding and cost.</summary>
public sealed class PreviewApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private Task<HttpClient> ClientAsync(string? pricePerSegment = "3.2") =>
        TemplatingApp.SignInAsync(app.Factory.WithWebHostBuilder(builder => builder.UseSetting("Templating:Sms:PricePerSegment", pricePerSegment)));

    private static async Task<JsonElement> PreviewAsync(HttpClient client, object request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync("/api/v1/templates/preview", request, TestContext.Current.CancellationToken);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Without_a_model_the_keys_sample_is_rendered_and_priced()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = TemplateSeed.ReminderBody, key = "appointment.reminder" });

        Assert.Equal("Анна, напоминаем о приёме 24.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.", preview.GetProperty("text").GetString());
        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
        Assert.Equal(2, preview.GetProperty("segments").GetInt32());
        Assert.Equal(6.4m, preview.GetProperty("cost").GetDecimal());
        Assert.Equal("RUB", preview.GetProperty("currency").GetString());
        Assert.Equal("А", preview.GetProperty("forcingCharacters")[0].GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task A_latin_text_with_one_cyrillic_letter_names_that_letter()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = "Hello {{ patient.firstName }}!", model = new Dictionary<string, string> { ["patient.firstName"] = "Аnna" } });

        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
        Assert.Equal(["А"], preview.GetProperty("forcingCharacters").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(3.2m, preview.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task A_text_over_the_warning_threshold_is_warned_about()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = new string('я', 135), key = "appointment.reminder" });

        Assert.Equal(3, preview.GetProperty("segments").GetInt32());
        Assert.Equal(9.6m, preview.GetProperty("cost").GetDecimal());
        Assert.Contains("3 SMS", preview.GetProperty("warning").GetString());
    }

    [Fact]
    public async Task Without_a_configured_price_the_cost_is_null()
    {
        using var client = await app.SignInAsync();

        var preview = await PreviewAsync(client, new { body = "Hello" });

        Assert.Equal("gsm7", preview.GetProperty("encoding").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("cost").ValueKind);
        Assert.Equal("RUB", preview.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task A_typo_is_a_400_naming_the_line_and_column()
    {
        using var client = await ClientAsync();

        var problem = await PreviewAsync(
            client, new { body = "Привет!\n{{ patient.fistName }}", key = "appointment.reminder" }, HttpStatusCode.BadRequest);

        Assert.Contains("строка 2, столбец 4: неизвестная переменная patient.fistName", problem.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Another_channel_gets_the_text_without_sms_parts()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = TemplateSeed.MissedBody, key = "appointment.missed", channel = "whatsapp" });

        Assert.StartsWith("Анна, мы не дождались вас", preview.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("segments").ValueKind);
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("cost").ValueKind);
    }

    [Fact]
    public async Task An_unknown_channel_is_a_400_naming_the_field()
    {
        using var client = await ClientAsync();

        var problem = await PreviewAsync(client, new { body = "Hello", channel = "pigeon" }, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
    }
}
