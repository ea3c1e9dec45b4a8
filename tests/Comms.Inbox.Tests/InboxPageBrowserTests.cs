using Comms.Inbox.Features.Conversations;
using Comms.Inbox.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;

namespace Comms.Inbox.Tests;

/// <summary>
/// The inbox page in Chromium: a reply to a patient who sent «СТОП» is refused on the page with the reason, and the
/// receptionist of another clinic neither lists nor opens the thread. Then the retention: texts past their time go.
/// </summary>
[Collection(InboxCollection.Name)]
public sealed class InboxPageBrowserTests(InboxApp app)
{
    [Fact]
    public async Task A_reply_after_stop_is_refused_on_the_page_and_another_clinics_desk_does_not_see_the_thread()
    {
        var patient = "P-" + Guid.NewGuid().ToString("N")[..10];
        await app.ConsentAsync("msk-1", patient, "sms", granted: true);
        await app.ConsentAsync("msk-1", patient, "sms", granted: false, method: "reply");
        await app.WritesAsync("msk-1", patient, "А если я передумаю?");
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var desk = await SignInAsync(browser, InboxApp.Reception);
            var row = desk.Locator($"tr[data-conversation]:has-text('{patient}')");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await row.Locator("a").ClickAsync();
            var thread = desk.Url;
            await desk.FillAsync("#reply-text", "Будем рады вас видеть!");
            await desk.ClickAsync("#send");

            await Assertions.Expect(desk.Locator("#error")).ToContainTextAsync("СТОП");
            await Assertions.Expect(desk.Locator("li[data-direction=out]")).ToHaveCountAsync(0);

            var other = await SignInAsync(browser, InboxApp.OtherClinicReception);
            await Assertions.Expect(other.Locator($"tr[data-conversation]:has-text('{patient}')")).ToHaveCountAsync(0);
            await other.GotoAsync(thread);
            await Assertions.Expect(other.Locator("h1")).ToHaveTextAsync("Нет такого разговора");
            await Assertions.Expect(other.Locator("body")).Not.ToContainTextAsync("передумаю");
        }
    }

    [Fact]
    public async Task Texts_and_notes_past_their_retention_are_removed_and_the_rest_stay()
    {
        var patient = "P-" + Guid.NewGuid().ToString("N")[..10];
        var recent = await app.WritesAsync("msk-1", patient, "Свежий вопрос");
        var old = await app.WritesAsync("msk-1", patient, "Давний вопрос");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InboxDbContext>();
            await db.Entries.Where(e => e.Id == old.ReplyId).ExecuteUpdateAsync(s => s.SetProperty(e => e.At, DateTimeOffset.UtcNow.AddDays(-366)));
        }

        var removed = await app.Services.GetServices<IHostedService>().OfType<Retention>().Single().RunAsync(CancellationToken.None);

        await using var check = app.Services.CreateAsyncScope();
        var entries = await check.ServiceProvider.GetRequiredService<InboxDbContext>().Entries.Where(e => e.Id == recent.ReplyId || e.Id == old.ReplyId).Select(e => e.Id).ToListAsync();
        Assert.True(removed >= 1);
        Assert.Equal([recent.ReplyId], entries);
    }

    private async Task<IPage> SignInAsync(IBrowser browser, string name)
    {
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync($"{app.BaseUrl}/inbox");
        await page.FillAsync("input[name=userName]", name);
        await page.FillAsync("input[name=password]", InboxApp.Password(name));
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("html[data-live=on]")).ToHaveCountAsync(1);
        return page;
    }
}
