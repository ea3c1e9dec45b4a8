using System.Net.Http.Json;
using Comms.Contracts;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Comms.Templating.Tests;

/// <summary>Which version a message is composed from: published only, the clinic's own first, the locale, then Russian.</summary>
public sealed class TemplateSelectionTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private const string SendSmsExchange = "Comms.Contracts.Templating:SendSms";
    private const string Reminder = "/api/v1/templates/appointment.reminder/sms";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IBus Bus => app.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task A_clinic_override_is_used_for_that_clinic_only()
    {
        using var client = await app.SignInAsync();
        await PublishAsync(client, $"{Reminder}/ru", "spb-override", "Ждём вас {{ appointment.date }} в {{ appointment.time }} на Невском.");

        var spb = await ComposeAsync(clinicId: "spb-override");
        var msk = await ComposeAsync(clinicId: "msk-1");

        Assert.Equal("Ждём вас 25.11.2026 в 10:30 на Невском.", spb.Text);
        Assert.Equal(1, spb.Version);
        Assert.StartsWith("Анна, напоминаем о приёме", msk.Text);
    }

    [Fact]
    public async Task A_draft_is_never_used_and_after_publish_the_next_message_uses_the_new_text()
    {
        using var client = await app.SignInAsync();
        await ReadAsync(await client.PutAsJsonAsync($"{Reminder}/ru/draft?clinicId=draft-clinic", new { body = "Черновик {{ appointment.date }}" }, Cancel));
        await ReadAsync(await client.PutAsJsonAsync("/api/v1/templates/appointment.reminder/sms/ru/draft?clinicId=publish-clinic", new { body = "Было" }, Cancel));
        await ReadAsync(await client.PostAsJsonAsync("/api/v1/templates/appointment.reminder/sms/ru/publish?clinicId=publish-clinic", new { version = 1 }, Cancel));

        var withDraft = await ComposeAsync(clinicId: "draft-clinic");
        var before = await ComposeAsync(clinicId: "publish-clinic");
        await ReadAsync(await client.PutAsJsonAsync("/api/v1/templates/appointment.reminder/sms/ru/draft?clinicId=publish-clinic", new { body = "Стало" }, Cancel));
        var stillBefore = await ComposeAsync(clinicId: "publish-clinic");
        await ReadAsync(await client.PostAsJsonAsync("/api/v1/templates/appointment.reminder/sms/ru/publish?clinicId=publish-clinic", new { version = 2 }, Cancel));
        var after = await ComposeAsync(clinicId: "publish-clinic");

        Assert.StartsWith("Анна, напоминаем о приёме", withDraft.Text);
        Assert.Equal(("Было", 1), (before.Text, before.Version));
        Assert.Equal(("Было", 1), (stillBefore.Text, stillBefore.Version));
        Assert.Equal(("Стало", 2), (after.Text, after.Version));
    }

    [Fact]
    public async Task The_requested_locale_is_used_then_its_language_then_russian()
    {
        using var client = await app.SignInAsync();
        await PublishAsync(client, "/api/v1/templates/appointment.missed/sms/en", null, "We missed you{{ if clinic.name }} at {{ clinic.name }}{{ end }}.");
        await PublishAsync(client, "/api/v1/templates/appointment.missed/sms/en", "lang-clinic", "Clinic's own: we missed you.");

        var english = await ComposeAsync(key: "appointment.missed", locale: "en-GB");
        var clinicEnglish = await ComposeAsync(key: "appointment.missed", locale: "en", clinicId: "lang-clinic");
        var kazakh = await ComposeAsync(key: "appointment.missed", locale: "kk");

        Assert.Equal("We missed you at Клиника на Ленина.", english.Text);
        Assert.Equal("Clinic's own: we missed you.", clinicEnglish.Text);
        Assert.StartsWith("Анна, мы не дождались вас", kazakh.Text);
    }

    private static async Task PublishAsync(HttpClient client, string path, string? clinicId, string body)
    {
        var query = clinicId is null ? "" : $"?clinicId={clinicId}";
        var draft = await ReadAsync(await client.PutAsJsonAsync($"{path}/draft{query}", new { body }, Cancel));
        await ReadAsync(await client.PostAsJsonAsync($"{path}/publish{query}", new { version = draft.GetProperty("version").GetInt32() }, Cancel));
    }

    private async Task<(string Text, int Version)> ComposeAsync(string key = "appointment.reminder", string locale = "ru", string clinicId = "msk-1")
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var queue = await probe.BindQueueAsync(SendSmsExchange, "", ExchangeType.Fanout);
        var messageId = Guid.NewGuid();

        await Bus.Publish(Messages.Reminder(messageId, locale: locale, clinicId: clinicId) with { TemplateKey = key }, Cancel);

        var sms = await Messages.NextAsync(probe, queue, messageId);
        Assert.Equal(clinicId, sms.GetProperty("clinicId").GetString());
        return (sms.GetProperty("text").GetString()!, sms.GetProperty("templateVersion").GetInt32());
    }

    private static async Task<System.Text.Json.JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
