using System.Text.Json;
using System.Text.RegularExpressions;
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
            // Each key has its Russian name beside it.
            Assert.Contains("Подтверждение записи", await page.InnerTextAsync("tr[data-key='appointment.confirmation'][data-channel='sms'] td:first-child"), StringComparison.Ordinal);
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.confirmation&channel=sms&locale=ru&clinicId={Clinic}");
            var preview = page.Locator("[data-testid=preview]");
            var segments = page.Locator("[data-testid=segments]");
            await Assertions.Expect(preview).ToContainTextAsync("Ответьте 1"); // starts from the chain-wide text
            await Assertions.Expect(page.Locator("#variant option", new() { HasTextRegex = new Regex("^Эл. почта · ru$") })).ToHaveCountAsync(1); // the key's other variants
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
            // Refused, with the reason in Russian and the field named as the editor names it.
            await Assertions.Expect(page.Locator("#error")).ToHaveTextAsync("«Текст сообщения»: строка 1, столбец 4: неизвестная переменная patient.fistName");

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

    [Fact]
    public async Task Each_channel_shows_its_own_figures_and_a_new_whatsapp_variant_opens_with_its_variables_and_no_error()
    {
        var baseUrl = system.Templating.Http.BaseAddress!.ToString().TrimEnd('/');
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await SignInAsync(browser, baseUrl, new() { Width = 1280, Height = 900 });
            var preview = page.Locator("[data-testid=preview]");
            var meter = page.Locator("[data-testid=segments]");

            // Email: the subject and the lengths, no SMS parts.
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.reminder&channel=email&locale=ru");
            await Assertions.Expect(page.Locator("[data-testid=preview-subject]")).ToContainTextAsync("Тема: Напоминаем о приёме");
            await Assertions.Expect(meter).ToContainTextAsync("Тема:");
            var email = await meter.InnerTextAsync();
            Assert.DoesNotContain("SMS", email, StringComparison.Ordinal);
            Assert.DoesNotContain("UCS-2", email, StringComparison.Ordinal);
            Assert.DoesNotContain("null", email, StringComparison.Ordinal);

            // A WhatsApp text the key has none of yet: its variables, an empty preview, no error.
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.missed&channel=whatsapp&locale=ru&clinicId={Clinic}-wa");
            await Assertions.Expect(page.Locator("#title")).ToContainTextAsync("Пропущенный приём (appointment.missed)");
            await Assertions.Expect(page.Locator("#variables .var-name", new() { HasText = "appointment.date" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#variant option:checked")).ToHaveTextAsync(new Regex("WhatsApp · ru · .* — новый"));
            await Assertions.Expect(preview).ToContainTextAsync("Начните писать");
            Assert.Equal("", await page.InnerTextAsync("#preview-error"));
            Assert.Equal("", await page.InnerTextAsync("#error"));
            Assert.Equal("", await meter.InnerTextAsync());

            // The variables list is longer than its frame and says it scrolls; once scrolled to the end it stops saying so.
            await Assertions.Expect(page.Locator("#variables-more")).ToBeVisibleAsync();
            await page.EvalOnSelectorAsync("#variables", "list => list.scrollTop = list.scrollHeight");
            await Assertions.Expect(page.Locator("#variables-more")).ToBeHiddenAsync();

            await page.ClickAsync("#body");
            await page.ClickAsync("#variables .var-name:text-is('appointment.date')");
            await Assertions.Expect(preview).ToHaveTextAsync("24.11.2026");
            var whatsApp = await meter.InnerTextAsync();
            Assert.Equal("WhatsApp: 10 из 4 096 симв.", whatsApp.Replace('\u00A0', ' ').Replace('\u202F', ' '));

            // MAX: characters against its 4,000.
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.confirmation&channel=max&locale=ru");
            await Assertions.Expect(meter).ToContainTextAsync("MAX:");
            Assert.DoesNotContain("SMS", await meter.InnerTextAsync(), StringComparison.Ordinal);

            // SMS: a Russian text is UCS-2 by nature and gets no "UCS-2 из-за" hint; a Latin one with a Cyrillic letter does.
            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.reminder&channel=sms&locale=ru&clinicId={Clinic}-hint");
            await Assertions.Expect(meter).ToContainTextAsync("UCS-2");
            Assert.DoesNotContain("из-за", await meter.InnerTextAsync(), StringComparison.Ordinal);
            await page.FillAsync("#body", "Dear Аnna, your visit is on 24.11 at 10:30. Reply 1 to confirm, 2 to cancel. OK");
            await Assertions.Expect(meter).ToContainTextAsync("UCS-2 из-за символа «А»");
        }
    }

    [Fact]
    public async Task The_list_and_the_editor_fit_a_phone_screen()
    {
        var baseUrl = system.Templating.Http.BaseAddress!.ToString().TrimEnd('/');
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await SignInAsync(browser, baseUrl, new() { Width = 375, Height = 812 });
            Assert.True(await FitsAsync(page), "the template list scrolls sideways on a 375 px screen");

            await page.GotoAsync($"{baseUrl}/templates/edit?key=appointment.confirmation&channel=sms&locale=ru");
            await Assertions.Expect(page.Locator("[data-testid=preview]")).ToContainTextAsync("Ответьте 1");
            Assert.True(await FitsAsync(page), "the editor scrolls sideways on a 375 px screen");
            // One column: the preview is below the text, not beside it.
            var text = await page.Locator("#body").BoundingBoxAsync();
            var shown = await page.Locator("[data-testid=preview]").BoundingBoxAsync();
            Assert.True(shown!.Y > text!.Y + text.Height, "the preview is below the text on a phone");
            Assert.True(text.Width > 300, $"the text field is {text.Width} px wide on a 375 px screen");
            await page.FillAsync("#body", "{{ patient.firstName }}, ждём вас {{ appointment.date }}.");
            await Assertions.Expect(page.Locator("[data-testid=preview]")).ToHaveTextAsync("Анна, ждём вас 24.11.2026.");
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "marketer-phone.png"), FullPage = true });
        }
    }

    private static async Task<IPage> SignInAsync(IBrowser browser, string baseUrl, ViewportSize viewport)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = viewport });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync($"{baseUrl}/");
        await page.FillAsync("input[name=userName]", "marketer");
        await page.FillAsync("input[name=password]", "marketer-dev-password");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("tr[data-key='appointment.confirmation'][data-channel='sms']");
        return page;
    }

    /// <summary>Nothing wider than the screen: the page does not scroll sideways.</summary>
    private static Task<bool> FitsAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth");
}
