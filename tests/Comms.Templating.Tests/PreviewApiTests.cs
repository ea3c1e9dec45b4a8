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

        var preview = await PreviewAsync(client, new { body = TemplateSeed.Body(TemplateSeed.ReminderKey), key = "appointment.reminder" });

        Assert.Equal("Анна, напоминаем о приёме 24.11.2026 в 10:30, Клиника на Ленина, ул. Ленина, 5.", preview.GetProperty("text").GetString());
        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
        Assert.Equal(2, preview.GetProperty("segments").GetInt32());
        Assert.Equal(6.4m, preview.GetProperty("cost").GetDecimal());
        Assert.Equal("RUB", preview.GetProperty("currency").GetString());
        Assert.Equal("А", preview.GetProperty("forcingCharacters")[0].GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("warning").ValueKind);
    }

    [Fact]
    public async Task A_campaign_keys_sms_preview_shows_and_prices_the_opt_out_line_it_goes_with_and_a_reminders_does_not()
    {
        using var client = await ClientAsync();

        var offer = await PreviewAsync(client, new { body = "{{ patient.firstName }}, скидка 20 % на гигиену до конца месяца.", key = "campaign.offer" });
        var offerWithStop = await PreviewAsync(client, new { body = "Скидка 20 %. Отписаться: СТОП", key = "campaign.offer" });
        var reminder = await PreviewAsync(client, new { body = "{{ patient.firstName }}, скидка 20 % на гигиену до конца месяца.", key = "appointment.reminder" });

        Assert.Equal("Анна, скидка 20 % на гигиену до конца месяца.\nОтказ от рассылки: ответьте СТОП", offer.GetProperty("text").GetString());
        Assert.Equal(2, offer.GetProperty("segments").GetInt32());
        Assert.Equal("Скидка 20 %. Отписаться: СТОП", offerWithStop.GetProperty("text").GetString());
        Assert.Equal("Анна, скидка 20 % на гигиену до конца месяца.", reminder.GetProperty("text").GetString());
        Assert.Equal(1, reminder.GetProperty("segments").GetInt32());
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

        var preview = await PreviewAsync(client, new { body = TemplateSeed.Body(TemplateSeed.MissedKey), key = "appointment.missed", channel = "whatsapp" });

        Assert.StartsWith("Анна, мы не дождались вас", preview.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("segments").ValueKind);
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("cost").ValueKind);
    }

    [Fact]
    public async Task A_russian_text_gets_no_ucs2_hint_it_is_ucs2_by_nature()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = TemplateSeed.Body(TemplateSeed.ReminderKey), key = "appointment.reminder" });

        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("encodingHint").ValueKind);
    }

    [Fact]
    public async Task One_cyrillic_letter_in_a_latin_text_is_hinted_with_what_to_type_and_what_it_saves()
    {
        using var client = await ClientAsync();
        // 80 characters: 2 SMS in UCS-2, 1 in GSM-7. The "А" of "Аnna" is Cyrillic.
        var body = "Dear Аnna, your visit is on 24.11 at 10:30. Reply 1 to confirm, 2 to cancel. OK";

        var preview = await PreviewAsync(client, new { body });

        Assert.Equal(2, preview.GetProperty("segments").GetInt32());
        Assert.Equal(
            "UCS-2 из-за символа «А»: без него текст был бы в GSM-7 — 1 SMS вместо 2. Замените: «А» → «A».",
            preview.GetProperty("encodingHint").GetString());
    }

    [Fact]
    public async Task Typographic_punctuation_in_a_latin_text_is_hinted()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new { body = "Visit on 24.11 — reply «1» to confirm" });

        Assert.Equal("ucs2", preview.GetProperty("encoding").GetString());
        var hint = preview.GetProperty("encodingHint").GetString();
        Assert.StartsWith("UCS-2 из-за символов «—», ‹«›, ‹»›: без них текст был бы в GSM-7", hint, StringComparison.Ordinal);
        Assert.Contains("Замените: «—» → «-», ‹«› → «\"», ‹»› → «\"».", hint, StringComparison.Ordinal);
        Assert.Contains("столько же SMS (1)", hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_gets_its_subject_and_length_and_no_sms_figures()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new
        {
            body = TemplateSeed.Body(TemplateSeed.ReminderKey), key = "appointment.reminder", channel = "email", subject = "Напоминание: {{ appointment.date }}",
        });

        Assert.Equal("email", preview.GetProperty("channel").GetString());
        Assert.Equal("Напоминание: 24.11.2026", preview.GetProperty("subject").GetString());
        Assert.Equal(23, preview.GetProperty("subjectCharacters").GetInt32());
        Assert.Equal(preview.GetProperty("text").GetString()!.Length, preview.GetProperty("characters").GetInt32());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("limit").ValueKind);
        foreach (var sms in new[] { "segments", "encoding", "units", "cost", "warning", "encodingHint" })
        {
            Assert.Equal(JsonValueKind.Null, preview.GetProperty(sms).ValueKind);
        }
    }

    [Fact]
    public async Task Max_is_counted_against_its_4000_characters()
    {
        using var client = await ClientAsync();

        var fits = await PreviewAsync(client, new { body = new string('я', 4000), channel = "max" });
        var over = await PreviewAsync(client, new { body = new string('я', 4001), channel = "max" });

        Assert.Equal((4000, 4000), (fits.GetProperty("characters").GetInt32(), fits.GetProperty("limit").GetInt32()));
        Assert.Empty(fits.GetProperty("notes").EnumerateArray());
        Assert.Equal(["MAX не примет текст длиннее 4000 символов, а здесь 4001."], over.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task WhatsApp_is_counted_against_4096_warns_past_1024_and_renders_the_template_parameters()
    {
        using var client = await ClientAsync();

        var preview = await PreviewAsync(client, new
        {
            body = new string('я', 1025), channel = "whatsapp", key = "appointment.reminder",
            whatsAppParameters = new[] { "{{ patient.firstName }}", "{{ appointment.time }}" },
        });
        var broken = await PreviewAsync(client, new
        {
            body = "Текст", channel = "whatsapp", key = "appointment.reminder", whatsAppParameters = new[] { "{{ patient.fistName }}" },
        }, HttpStatusCode.BadRequest);

        Assert.Equal(4096, preview.GetProperty("limit").GetInt32());
        Assert.Equal(1025, preview.GetProperty("characters").GetInt32());
        Assert.StartsWith("Текст длиннее 1024 символов уйдёт без кнопок ответа", preview.GetProperty("notes")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(["Анна", "10:30"], preview.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("segments").ValueKind);
        Assert.Equal(
            "«Параметр 1 шаблона WhatsApp»: строка 1, столбец 4: неизвестная переменная patient.fistName",
            broken.GetProperty("errors").GetProperty("whatsAppParameters[0]")[0].GetString());
    }

    [Fact]
    public async Task An_empty_body_is_a_400_in_russian_with_its_code()
    {
        using var client = await ClientAsync();

        var problem = await PreviewAsync(client, new { body = "", channel = "whatsapp" }, HttpStatusCode.BadRequest);

        Assert.Equal("Заполните поле «Текст сообщения».", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        Assert.Equal("required", problem.GetProperty("codes").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task An_unknown_channel_is_a_400_naming_the_field()
    {
        using var client = await ClientAsync();

        var problem = await PreviewAsync(client, new { body = "Hello", channel = "pigeon" }, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));
    }
}
