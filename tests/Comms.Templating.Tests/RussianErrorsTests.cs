using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Templating.Tests;

/// <summary>
/// What the marketer UI shows when a draft is refused: a Russian sentence per field that names the field as the editor
/// does, with a machine-readable code beside it (<c>codes</c>, <c>code</c>).
/// </summary>
public sealed class RussianErrorsTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Path(string key, string channel, string clinic, string suffix = "") =>
        $"/api/v1/templates/{key}/{channel}/ru{suffix}?clinicId={clinic}";

    private static string NewClinic() => "errors-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_draft_without_text_is_refused_in_russian_naming_the_field_with_its_code()
    {
        using var client = await app.SignInAsync();

        using var response = await client.PutAsJsonAsync(Path("appointment.confirmation", "whatsapp", NewClinic(), "/draft"), new { body = "" }, Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["Заполните поле «Текст сообщения»."], Strings(problem.GetProperty("errors").GetProperty("body")));
        Assert.Equal(["required"], Strings(problem.GetProperty("codes").GetProperty("body")));
        Assert.Equal("Черновик не сохранён.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_part_of_another_channel_is_refused_in_russian()
    {
        using var client = await app.SignInAsync();

        using var response = await client.PutAsJsonAsync(
            Path("appointment.reminder", "sms", NewClinic(), "/draft"), new { body = "Текст", subject = "Тема", whatsAppParameters = new[] { "x" } }, Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["«Тема письма» бывает только у шаблона для канала электронная почта."], Strings(problem.GetProperty("errors").GetProperty("subject")));
        Assert.Equal(["not-for-channel"], Strings(problem.GetProperty("codes").GetProperty("subject")));
        Assert.Equal(["Параметры шаблона бывают только у WhatsApp."], Strings(problem.GetProperty("errors").GetProperty("whatsAppParameters")));
    }

    [Theory]
    [InlineData("{{ patient.fistName }}, ждём вас", "«Текст сообщения»: строка 1, столбец 4: неизвестная переменная patient.fistName", "unknown-name")]
    [InlineData("{{ while true }}x{{ end }}", "«Текст сообщения»: строка 1, столбец 4: цикл повторяется больше 100 раз", "render-failed")]
    [InlineData("{{ end }}", "«Текст сообщения»: строка 1, столбец 6: ошибка синтаксиса: лишний {{ end }}: открытого блока нет", "syntax")]
    public async Task Publishing_a_text_that_does_not_render_is_refused_in_russian_with_its_place_and_code(string body, string message, string code)
    {
        var clinic = NewClinic();
        using var client = await app.SignInAsync();
        using var saved = await client.PutAsJsonAsync(Path("appointment.reminder", "sms", clinic, "/draft"), new { body }, Cancel);
        var version = (await saved.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("version").GetInt32();

        using var response = await client.PostAsJsonAsync(Path("appointment.reminder", "sms", clinic, "/publish"), new { version }, Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal([message], Strings(problem.GetProperty("errors").GetProperty("body")));
        Assert.Equal([code], Strings(problem.GetProperty("codes").GetProperty("body")));
        Assert.Equal("Ничего не изменилось: опубликованная версия осталась прежней.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_email_without_subject_and_html_is_refused_naming_both_in_russian()
    {
        var clinic = NewClinic();
        using var client = await app.SignInAsync();
        using var saved = await client.PutAsJsonAsync(Path("appointment.reminder", "email", clinic, "/draft"), new { body = "Напоминаем о приёме" }, Cancel);
        var version = (await saved.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("version").GetInt32();

        using var response = await client.PostAsJsonAsync(Path("appointment.reminder", "email", clinic, "/publish"), new { version }, Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("Заполните поле «Тема письма»", problem.GetProperty("errors").GetProperty("subject")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Заполните поле «HTML письма»", problem.GetProperty("errors").GetProperty("html")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["required"], Strings(problem.GetProperty("codes").GetProperty("html")));
    }

    [Fact]
    public async Task Publishing_a_version_that_is_not_the_draft_is_a_409_in_russian_with_its_code()
    {
        var clinic = NewClinic();
        using var client = await app.SignInAsync();
        using var saved = await client.PutAsJsonAsync(Path("appointment.reminder", "sms", clinic, "/draft"), new { body = "Текст" }, Cancel);

        using var response = await client.PostAsJsonAsync(Path("appointment.reminder", "sms", clinic, "/publish"), new { version = 99 }, Cancel);

        var problem = await ProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("not-the-draft", problem.GetProperty("code").GetString());
        Assert.Equal(
            $"Черновик шаблона «appointment.reminder» (SMS, ru, клиника {clinic}) — версия 1, а не 99: обновите страницу и попробуйте ещё раз.",
            problem.GetProperty("detail").GetString());
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
