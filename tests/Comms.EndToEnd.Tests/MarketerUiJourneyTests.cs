using System.Text.Json;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// A marketer signs in to the Templating UI in a real browser, writes a clinic's own confirmation text, watches the
/// preview and the SMS counter follow, publishes — and the next confirmation request that clinic's patient gets has
/// the new text. The override is for a clinic of its own, so the other journeys keep the chain-wide text.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class MarketerUiJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Clinic = "ui-clinic";

    [Fact]
    public async Task Marketer_publishes_a_new_text_in_the_browser_and_the_next_message_uses_it()
    {
        var baseUrl = system.Templating.Http.BaseAddress!.ToString().TrimEnd('/');
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(30_000);

            await page.GotoAsync($"{baseUrl}/");
            Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal); // the pages need sign-in
            await page.FillAsync("input[name=userName]", "marketer");
            await page.FillAsync("input[name=password]", "wrong-password");
            await page.ClickAsync("button[type=submit]");
            Assert.Contains("Неверное имя пользователя или пароль", await page.InnerTextAsync("body"), StringComparison.Ordinal);
            await page.FillAsync("input[name=userName]", "marketer");
            await page.FillAsync("input[name=password]", "marketer-dev-password");
            await page.ClickAsync("button[type=submit]");

            await page.WaitForSelectorAsync("tr[data-key='appointment.confirmation'][data-channel='sms']");
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.confirmation&channel=sms&locale=ru&clinicId={Clinic}");
            var preview = page.Locator("[data-testid=preview]");
            var segments = page.Locator("[data-testid=segments]");
            await Assertions.Expect(preview).ToContainTextAsync("Ответьте 1"); // starts from the chain-wide text
            await Assertions.Expect(page.Locator("#variant option", new() { HasText = "Email · ru" })).ToHaveCountAsync(1); // the key's other variants
            var before = await segments.InnerTextAsync();

            await page.FillAsync("#body", "{{ patient.firstName }}, ждём вас {{ appointment.date }} в {{ appointment.time }}. Ответьте 1 — приду, 2 — отменить. Клиника у парка.");
            await Assertions.Expect(preview).ToContainTextAsync("ждём вас");
            await Assertions.Expect(segments).Not.ToHaveTextAsync(before);
            var meter = await segments.InnerTextAsync();
            Assert.Contains("UCS-2", meter, StringComparison.Ordinal);
            Assert.Contains("₽", meter, StringComparison.Ordinal); // the cost at the development price per part
            Assert.DoesNotContain("null", meter, StringComparison.Ordinal);

            await page.FillAsync("#body", "{{ patient.fistName }}, ждём вас");
            await page.ClickAsync("#publish");
            await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("patient.fistName"); // refused, with the reason

            await page.FillAsync("#body", "{{ patient.firstName }}, ждём вас {{ appointment.date }} в {{ appointment.time }}. Ответьте 1 — приду, 2 — отменить. Клиника у парка.");
            await page.ClickAsync("#publish");
            await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Опубликована версия");
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "marketer-published.png"), FullPage = true });
        }

        var phone = MisEvents.NewPhone();
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        await system.GrantSmsConsentAsync(mis, "P-" + appointmentId, phone, Clinic);
        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, phone, DateTimeOffset.UtcNow.AddDays(2), clinicId: Clinic));

        var sms = await Eventually.GetAsync<JsonElement>(
            async () => (await system.InboxAsync(phone)).FirstOrDefault() is { ValueKind: JsonValueKind.Object } m ? (JsonElement?)m : null,
            Patience, () => "the confirmation request with the new text\n" + system.Logs());
        Assert.StartsWith("Анна, ждём вас", sms.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("Клиника у парка.", sms.GetProperty("text").GetString(), StringComparison.Ordinal);
    }
}
