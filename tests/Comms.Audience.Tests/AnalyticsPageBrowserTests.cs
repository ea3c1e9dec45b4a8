using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.Audience.Tests;

/// <summary>
/// The analytics page as a manager meets it: Audience on a real port and a real Chromium, on a phone and on a desktop.
/// The screenshots (<c>analytics-*.png</c> in the test output folder) are there to be looked at.
/// </summary>
[Collection(AnalyticsSite.Collection)]
public sealed class AnalyticsPageBrowserTests(AnalyticsSite site)
{
    private static readonly string AsOf = $"{AnalyticsSite.AsOf:yyyy-MM-dd}";

    [Fact]
    public async Task A_manager_signs_in_on_a_phone_reads_the_segments_and_the_at_risk_list_and_downloads_it()
    {
        using var api = site.Api(AnalyticsSite.KeyOfA);
        var expected = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/patients?asOf={AsOf}&segment=at_risk&pageSize=1000");
        var atRisk = expected.GetProperty("patients").EnumerateArray().Select(p => p.GetProperty("patientId").GetString()!).ToList();
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var context = await browser.NewContextAsync(new() { AcceptDownloads = true, Locale = "ru-RU", ViewportSize = new() { Width = 390, Height = 844 } });
            var page = await Open(context);
            try
            {
                await page.GotoAsync($"{site.BaseUrl}/analytics?asOf={AsOf}");
                Assert.EndsWith("/analytics/sign-in?returnUrl=%2Fanalytics%3FasOf%3D2026-06-30", page.Url, StringComparison.Ordinal);
                Assert.Equal("Вход — Аналитика пациентов и рассылки", await page.TitleAsync());
                await page.FillAsync("#userName", AnalyticsSite.ManagerOfA);
                await page.FillAsync("#password", AnalyticsSite.ManagerOfAPassword);
                await page.ClickAsync("button[type=submit]");
                await page.WaitForURLAsync($"{site.BaseUrl}/analytics?asOf={AsOf}");

                Assert.Equal("Аналитика пациентов", await page.TitleAsync());
                Assert.Equal(["an-a"], await page.Locator("#clinic option").AllInnerTextsAsync());
                Assert.Equal(AsOf, await page.InputValueAsync("#as-of"));
                Assert.Equal("260", await page.InnerTextAsync("#patients"));
                Assert.Equal(7, await page.Locator("#segment-patients g").CountAsync());
                Assert.Equal(7, await page.Locator("#segment-ltv g").CountAsync());
                Assert.Equal(["VIP", "Стабильные", "Разовые", "Убыточные", "Новые", "В зоне риска", "Потерянные"],
                    await page.Locator("#segment-patients text.label").AllTextContentsAsync());
                Assert.True(await page.Locator("#segment-patients g[data-key=at_risk] rect.hbar").GetAttributeAsync("width") is { } width && width != "0%");
                Assert.Equal(50, await page.Locator("#at-risk-table tbody tr").CountAsync());
                Assert.Equal(atRisk.Take(50), await page.Locator("#at-risk-table code.patient").AllTextContentsAsync());
                Assert.Contains("номер пациента в МИС", await page.InnerTextAsync("#no-names"), StringComparison.Ordinal);
                Assert.Contains("подобрана", await page.InnerTextAsync("#bgnbd"), StringComparison.Ordinal);
                Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
                await page.ScreenshotAsync(new() { Path = Shot("analytics-phone.png"), FullPage = true });

                // The file of the list, as Russian Excel opens it.
                var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
                var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
                var rows = AnalyticsPageTests.Rows(Encoding.UTF8.GetString(bytes));
                Assert.Equal("at-risk-an-a-2026-06-30.csv", download.SuggestedFilename);
                Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
                Assert.StartsWith("Клиника;Пациент (номер в МИС);Сегмент;Под угрозой, ₽;LTV, ₽;", rows[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
                Assert.Equal(atRisk.Count, rows.Count - 1);
                Assert.StartsWith($"an-a;{atRisk[0]};В зоне риска;", rows[1], StringComparison.Ordinal);

                await page.ReloadAsync(); // settles the page after the download's navigation before the next click
                await page.SelectOptionAsync("#portrait", "at_risk");
                await page.ClickAsync("#apply");
                await page.WaitForURLAsync(url => url.Contains("portrait=at_risk", StringComparison.Ordinal));
                Assert.StartsWith("Портрет: В зоне риска", await page.InnerTextAsync("#portrait h2"), StringComparison.Ordinal);
                Assert.Equal(AsOf, await page.InputValueAsync("#as-of"));

                await page.ClickAsync("#next");
                await page.WaitForURLAsync(url => url.Contains("page=2", StringComparison.Ordinal));
                Assert.Equal(atRisk.Skip(50).Take(50), await page.Locator("#at-risk-table code.patient").AllTextContentsAsync());
                Assert.StartsWith("Портрет: В зоне риска", await page.InnerTextAsync("#portrait h2"), StringComparison.Ordinal);

                await page.ClickAsync("#sign-out");
                await page.WaitForURLAsync($"{site.BaseUrl}/analytics/sign-in");
                await page.GotoAsync($"{site.BaseUrl}/analytics?asOf={AsOf}");
                Assert.Contains("/analytics/sign-in", page.Url, StringComparison.Ordinal);
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Shot("analytics-phone-failed.png"), FullPage = true });
                throw;
            }
        }
    }

    [Fact]
    public async Task On_a_desktop_the_chief_sees_every_clinic_and_a_clinic_without_history_tells_how_to_import_it()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var context = await browser.NewContextAsync(new() { Locale = "ru-RU", ViewportSize = new() { Width = 1280, Height = 900 } });
            var page = await Open(context);
            try
            {
                await page.GotoAsync($"{site.BaseUrl}/analytics?asOf={AsOf}&portrait=vip");
                await page.FillAsync("#userName", AnalyticsSite.Chief);
                await page.FillAsync("#password", AnalyticsSite.ChiefPassword);
                await page.ClickAsync("button[type=submit]");
                await page.WaitForURLAsync($"{site.BaseUrl}/analytics?asOf={AsOf}&portrait=vip");

                Assert.Equal(["an-a", "an-b", "an-empty"], await page.Locator("#clinic option").AllInnerTextsAsync());
                Assert.StartsWith("Портрет: VIP", await page.InnerTextAsync("#portrait h2"), StringComparison.Ordinal);
                await page.ScreenshotAsync(new() { Path = Shot("analytics-desktop.png"), FullPage = true });

                await page.SelectOptionAsync("#clinic", AnalyticsSite.EmptyClinic);
                await page.ClickAsync("#apply");
                await page.WaitForURLAsync(url => url.Contains("clinicId=an-empty", StringComparison.Ordinal));
                Assert.Contains("пока нет истории визитов", await page.InnerTextAsync("#empty"), StringComparison.Ordinal);
                Assert.Contains("/api/v1/audience/imports/visits?clinicId=an-empty", await page.InnerTextAsync("#import-example"), StringComparison.Ordinal);
                await page.ScreenshotAsync(new() { Path = Shot("analytics-empty.png"), FullPage = true });

                await page.GotoAsync($"{site.BaseUrl}/analytics?clinicId={AnalyticsSite.ClinicB}&asOf={AsOf}");
                Assert.Contains("не подобрана", await page.InnerTextAsync("#bgnbd"), StringComparison.Ordinal);
                await page.ScreenshotAsync(new() { Path = Shot("analytics-small-clinic.png"), FullPage = true });
            }
            catch
            {
                await page.ScreenshotAsync(new() { Path = Shot("analytics-desktop-failed.png"), FullPage = true });
                throw;
            }
        }
    }

    /// <summary>
    /// A page that waits up to a minute for each outcome: on a two-core machine shared with other test runs, a scoring
    /// and Chromium together may take longer than Playwright's 30 seconds.
    /// </summary>
    private static async Task<IPage> Open(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(60_000);
        return page;
    }

    private static string Shot(string name) => Path.Combine(AppContext.BaseDirectory, name);
}
