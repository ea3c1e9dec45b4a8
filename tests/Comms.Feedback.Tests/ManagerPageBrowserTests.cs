using System.Text;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.Feedback.Tests;

/// <summary>The managers' page as a manager meets it: Feedback on a real port and a real Chromium.</summary>
public sealed class ManagerPageBrowserTests(ManagerSite site) : IClassFixture<ManagerSite>
{
    [Fact]
    public async Task Manager_signs_in_reads_the_numbers_filters_by_doctor_and_downloads_the_excel_file()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var context = await browser.NewContextAsync(new() { AcceptDownloads = true, ViewportSize = new() { Width = 390, Height = 844 } });
            var page = await context.NewPageAsync();

            await page.GotoAsync(site.BaseUrl + "/manager");
            Assert.EndsWith("/manager/sign-in?returnUrl=%2Fmanager", page.Url, StringComparison.Ordinal);
            await page.FillAsync("#userName", ManagerSite.ManagerOfA);
            await page.FillAsync("#password", ManagerSite.ManagerOfAPassword);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(site.BaseUrl + "/manager");

            Assert.Equal("Отзывы пациентов", await page.TitleAsync());
            Assert.Equal("4", await page.InnerTextAsync("#count"));
            Assert.Equal("4,00", await page.InnerTextAsync("#average"));
            Assert.StartsWith("80 %", await page.InnerTextAsync("#response-rate"), StringComparison.Ordinal);
            Assert.Equal("+25", await page.InnerTextAsync("#nps"));
            Assert.Equal(["0", "1", "0", "1", "2"], await Bars(page));
            Assert.Contains(ManagerSite.ReviewOfA, await page.InnerTextAsync("#reviews"), StringComparison.Ordinal);
            Assert.Equal(2, await page.Locator("#by-doctor .bar").CountAsync());
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");

            // Each doctor once; the two of the same name told apart.
            Assert.Equal(
                ["все врачи", $"{ManagerSite.SameName} (стоматолог-терапевт, D-1)", $"{ManagerSite.SameName} (хирург, D-3)", "Сидорова Анна Ивановна"],
                await page.Locator("#doctor option").AllInnerTextsAsync());
            Assert.Equal(["", "D-1", "D-3", "D-2"], await page.Locator("#doctor option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)"));

            await page.SelectOptionAsync("#doctor", "D-2");
            await page.ClickAsync("#apply");
            await page.WaitForURLAsync(url => url.Contains("doctorId=D-2", StringComparison.Ordinal));

            Assert.Equal("1", await page.InnerTextAsync("#count"));
            Assert.Equal("2,00", await page.InnerTextAsync("#average"));
            Assert.Equal(["0", "1", "0", "0", "0"], await Bars(page));
            var reviews = await page.InnerTextAsync("#reviews");
            Assert.Contains(ManagerSite.ReviewOfD2, reviews, StringComparison.Ordinal);
            Assert.DoesNotContain(ManagerSite.ReviewOfA, reviews, StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "manager-page.png"), FullPage = true });

            // The file is the one Russian Excel opens right: UTF-8 with BOM, ";", Russian headers, the clinic's local time.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
            var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
            var rows = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

            Assert.Equal("feedback.csv", download.SuggestedFilename);
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
            Assert.StartsWith("Клиника;Визит (номер в МИС);Пациент (номер в МИС);Врач (код);Врач;", rows[0], StringComparison.Ordinal);
            Assert.Equal(2, rows.Count - 1); // D-2's two visits: one rated 2, one not answered
            Assert.All(rows.Skip(1), row => Assert.Contains(";D-2;Сидорова Анна Ивановна;", row, StringComparison.Ordinal));
            Assert.All(rows.Skip(1), row => Assert.Contains($";{ManagerSite.ClinicAZone};отправлен;", row, StringComparison.Ordinal));
            Assert.Contains(rows, row => row.Contains(ManagerSite.ReviewOfD2, StringComparison.Ordinal));

            await page.ReloadAsync(); // settles the page after the download's navigation before the next click
            await page.ClickAsync("#sign-out");
            await page.WaitForURLAsync(site.BaseUrl + "/manager/sign-in");
            await page.GotoAsync(site.BaseUrl + "/manager");
            Assert.Contains("/manager/sign-in", page.Url, StringComparison.Ordinal);
        }
    }

    private static async Task<string[]> Bars(IPage page) =>
        [.. await page.Locator("#distribution text.count").AllTextContentsAsync()];
}
