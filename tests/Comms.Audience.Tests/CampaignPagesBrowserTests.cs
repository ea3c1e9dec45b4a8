using System.Globalization;
using System.Text;
using Comms.Testing;
using Microsoft.Playwright;

namespace Comms.Audience.Tests;

/// <summary>
/// The campaigns' pages in a real Chromium: a marketer builds a campaign and sees its preview, cannot launch it; an
/// approver launches it; the results page shows what it did. Screenshots (<c>campaign-*.png</c>) in the test output.
/// </summary>
[Collection(CampaignCollection.Name)]
public sealed class CampaignPagesBrowserTests(CampaignsApp app)
{
    [Fact]
    public async Task A_marketer_builds_a_campaign_an_approver_launches_it_and_its_results_page_shows_what_it_did()
    {
        const string clinic = "cmp-7";
        var patients = Enumerable.Range(1, 30).Select(i => $"BR-{i:00}").ToList();
        await app.ImportPatientsAsync(clinic, patients);
        await app.ConsentAsync(clinic, patients.Take(28), granted: true);
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var start = TimeZoneInfo.ConvertTime(app.Time.GetUtcNow().AddMinutes(-1), moscow).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var marketer = await (await browser.NewContextAsync(new() { Locale = "ru-RU", AcceptDownloads = true })).NewPageAsync();
            await marketer.GotoAsync($"{app.BaseUrl}/campaigns");
            await SignInAsync(marketer, CampaignsApp.Marketer);
            await marketer.WaitForURLAsync($"{app.BaseUrl}/campaigns");
            Assert.Equal("Рассылки", await marketer.TitleAsync());

            await marketer.ClickAsync("#new");
            await marketer.FillAsync("#name", "Приглашение на профосмотр");
            await marketer.CheckAsync($"input[name=clinicIds][value={clinic}]");
            await marketer.SelectOptionAsync("#channel-1", "sms");
            await marketer.SelectOptionAsync("#channel-2", "");
            await marketer.SelectOptionAsync("#channel-3", "");
            await marketer.FillAsync("#startAt", start);
            await marketer.FillAsync("#windowFrom", "00:00");
            await marketer.FillAsync("#windowTo", "00:00");
            await marketer.FillAsync("#throttlePerHour", "100000");
            await marketer.FillAsync("#holdoutPercent", "50");
            await marketer.FillAsync("#recentCampaignDays", "0");
            await marketer.ClickAsync("#save");
            await marketer.WaitForSelectorAsync("#preview");

            var campaignUrl = marketer.Url;
            Assert.Equal("черновик", await marketer.InnerTextAsync("#status"));
            Assert.Equal("30", await marketer.InnerTextAsync("#audience"));
            Assert.Equal("2", await marketer.InnerTextAsync("#excluded tr[data-reason=no_consent] td.n"));
            Assert.Equal("28", await marketer.InnerTextAsync("#consents tr[data-channel=sms] td.n"));
            var holdout = int.Parse(await marketer.InnerTextAsync("#holdout"), CultureInfo.InvariantCulture);
            Assert.Equal((28 - holdout).ToString(CultureInfo.InvariantCulture), await marketer.InnerTextAsync("#will-get"));
            Assert.Equal(0, await marketer.Locator("#launch").CountAsync());
            Assert.Contains("утверждающий", await marketer.InnerTextAsync("#approval-rule"), StringComparison.Ordinal);
            await marketer.ScreenshotAsync(new() { Path = Shot("campaign-draft.png"), FullPage = true });

            // The builder refuses what is wrong, field by field, and keeps what was typed.
            await marketer.ClickAsync("#edit");
            await marketer.FillAsync("#windowFrom", "20:00");
            await marketer.FillAsync("#windowTo", "10:00");
            await marketer.ClickAsync("#save");
            await marketer.WaitForSelectorAsync("#errors");
            Assert.Contains("заканчивается позже, чем начинается", await marketer.InnerTextAsync("#error-windowTo"), StringComparison.Ordinal);
            Assert.Equal("Приглашение на профосмотр", await marketer.InputValueAsync("#name"));
            Assert.Equal("50", await marketer.InputValueAsync("#holdoutPercent"));
            await marketer.FillAsync("#windowFrom", "00:00");
            await marketer.FillAsync("#windowTo", "00:00");
            await marketer.ClickAsync("#save");
            await marketer.WaitForSelectorAsync("#preview");

            var approver = await (await browser.NewContextAsync(new() { Locale = "ru-RU" })).NewPageAsync();
            await approver.GotoAsync(campaignUrl);
            await SignInAsync(approver, CampaignsApp.Approver);
            await approver.WaitForURLAsync(campaignUrl);
            await approver.ClickAsync("#launch");
            await approver.WaitForSelectorAsync("#status[data-status=running]");
            Assert.Equal(CampaignsApp.Approver, await approver.InnerTextAsync("#approver"));
            Assert.Equal(["created", "edited", "approved", "launched"], await approver.Locator("#audit tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.action)"));

            await app.DispatchAsync(after: TimeSpan.FromMinutes(1));
            await marketer.GotoAsync(campaignUrl);
            Assert.Equal("идёт", await marketer.InnerTextAsync("#status"));
            Assert.Equal((28 - holdout).ToString(CultureInfo.InvariantCulture), await marketer.InnerTextAsync("#results-table tr[data-group=a] td[data-label=Отправлено]"));
            Assert.Equal(holdout.ToString(CultureInfo.InvariantCulture), await marketer.InnerTextAsync("#results-table tr[data-group=holdout] td[data-label=Пациентов]"));
            Assert.Equal("0", await marketer.InnerTextAsync("#results-table tr[data-group=holdout] td[data-label=Отправлено]"));
            Assert.Equal(2, await marketer.Locator("#booking-rates rect").CountAsync());
            await marketer.ScreenshotAsync(new() { Path = Shot("campaign-results.png"), FullPage = true });

            var download = await marketer.RunAndWaitForDownloadAsync(() => marketer.ClickAsync("#results-csv"));
            var csv = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await download.PathAsync()));
            Assert.Contains("Приглашение на профосмотр", csv, StringComparison.Ordinal);
            Assert.Contains($"Вариант А;{28 - holdout};{28 - holdout};", csv, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_journey_is_built_and_approved_once_in_the_browser_and_its_page_lists_the_days_batches()
    {
        const string clinic = "cmp-11";
        app.AdvanceToMoscow(9);
        var moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), moscow).DateTime);
        await app.ImportPatientsAsync(clinic, ["JB-1", "JB-2"]);
        await app.ImportBirthDatesAsync(clinic, [("JB-1", today.AddYears(-28)), ("JB-2", today.AddDays(40).AddYears(-28))]);
        await app.ConsentAsync(clinic, ["JB-1", "JB-2"], granted: true);
        var start = TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), moscow).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var marketer = await (await browser.NewContextAsync(new() { Locale = "ru-RU" })).NewPageAsync();
            await marketer.GotoAsync($"{app.BaseUrl}/campaigns/new");
            await SignInAsync(marketer, CampaignsApp.Marketer);
            await marketer.WaitForSelectorAsync("#builder");
            await marketer.FillAsync("#name", "С днём рождения, скидка 10 %");
            await marketer.SelectOptionAsync("#journey", "birthday");
            await marketer.CheckAsync($"input[name=clinicIds][value={clinic}]");
            await marketer.FillAsync("#templateKey", "campaign.birthday");
            await marketer.SelectOptionAsync("#channel-1", "sms");
            await marketer.SelectOptionAsync("#channel-2", "");
            await marketer.SelectOptionAsync("#channel-3", "");
            await marketer.FillAsync("#startAt", start);
            await marketer.FillAsync("#holdoutPercent", "0");
            await marketer.ClickAsync("#save");
            await marketer.WaitForSelectorAsync("#preview");
            var journeyUrl = marketer.Url;
            Assert.Contains("поздравление с днём рождения", await marketer.InnerTextAsync("#definition"), StringComparison.Ordinal);
            Assert.Equal("1", await marketer.InnerTextAsync("#audience")); // today's batch, if made now
            Assert.Contains("Партий ещё нет", await marketer.InnerTextAsync("#batches"), StringComparison.Ordinal);

            var approver = await (await browser.NewContextAsync(new() { Locale = "ru-RU" })).NewPageAsync();
            await approver.GotoAsync(journeyUrl);
            await SignInAsync(approver, CampaignsApp.Approver);
            await approver.WaitForURLAsync(journeyUrl);
            await approver.ClickAsync("#launch");
            await approver.WaitForSelectorAsync("#status[data-status=running]");

            await app.RunJourneysAsync();
            await approver.ReloadAsync();
            Assert.Equal(1, await approver.Locator("#batches tbody tr").CountAsync());
            await approver.ClickAsync("#batches tbody tr a");
            await approver.WaitForSelectorAsync("#parent");
            Assert.Contains("Comms по утверждению ivan", await approver.InnerTextAsync("#parent"), StringComparison.Ordinal);
            Assert.Contains("запланировано: 1", await approver.InnerTextAsync("#recipients"), StringComparison.Ordinal);
            await approver.ClickAsync("#pause");
            await approver.WaitForSelectorAsync("#status[data-status=paused]");
            await approver.ScreenshotAsync(new() { Path = Shot("campaign-journey-batch.png"), FullPage = true });
        }
    }

    private static async Task SignInAsync(IPage page, string name)
    {
        await page.WaitForSelectorAsync("#userName");
        await page.FillAsync("#userName", name);
        await page.FillAsync("#password", CampaignsApp.Password(name));
        await page.ClickAsync("button[type=submit]");
    }

    private static string Shot(string name) => Path.Combine(AppContext.BaseDirectory, name);
}
