using System.Net.Http.Json;
using System.Text.Json;
using Comms.Gateway.Email.Features.Unsubscribe;
using Comms.Testing;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Email.Tests;

/// <summary>The unsubscribe page as a patient meets it: a real Gateway.Email process and a real browser.</summary>
public sealed class UnsubscribePageBrowserTests : IAsyncLifetime
{
    private const string Secret = "browser-test-secret-0123456789abcdef";
    private string _database = "";
    private string _virtualHost = "";
    private ServiceProcess _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("gwmailui");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("gwmailui");
        var port = ServiceProcess.FreePort();
        var environment = await TestInfrastructure.ServiceEnvironmentAsync(_database, _virtualHost);
        environment["Email__Unsubscribe__BaseUrl"] = $"http://127.0.0.1:{port}/unsubscribe";
        environment["Email__Unsubscribe__Secret"] = Secret;
        _gateway = new ServiceProcess("gateway-email", "services/Gateway.Email", "Comms.Gateway.Email", port, environment);
        _gateway.Http.AsOperator();
        _gateway.Start();
        await _gateway.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task Patient_follows_the_link_sees_what_it_does_and_unsubscribes_with_one_click()
    {
        var email = $"p{Guid.NewGuid():N}@example.ru";
        var links = new UnsubscribeLinks(Options.Create(new UnsubscribeOptions { BaseUrl = $"http://127.0.0.1:{_gateway.Port}/unsubscribe", Secret = Secret }));
        var url = links.UrlFor(new UnsubscribeRequest(email, "marketing", Guid.CreateVersion7(), "msk-1", "P-1"));
        var (playwright, browser) = await Browser.LaunchAsync();
        using (playwright)
        await using (browser)
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(url);

            Assert.Equal("Отписка от писем", await page.TitleAsync());
            Assert.Contains(email, await page.InnerTextAsync("body"), StringComparison.Ordinal);
            Assert.Empty(await ConsentsAsync(email)); // opening the link alone changes nothing

            await page.ClickAsync("#unsubscribe");
            await page.WaitForSelectorAsync("#done");
            Assert.Equal("Вы отписаны", await page.TitleAsync());
            await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "unsubscribe-done.png") });
        }

        var state = Assert.Single(await ConsentsAsync(email));
        Assert.False(state.GetProperty("granted").GetBoolean());
    }

    private async Task<JsonElement[]> ConsentsAsync(string email) =>
        (await _gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(email)}"))!;

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }
}
