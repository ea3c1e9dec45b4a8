using System.Net;
using Comms.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Feedback.Tests;

/// <summary>
/// Managers signing in through the chain's identity provider (<see cref="OidcProvider"/>, the whole code flow with PKCE):
/// the provider's groups give the role, its clinic claim the clinics the page shows.
/// </summary>
public sealed class ManagerProviderSignInTests(ManagerSite site) : IClassFixture<ManagerSite>, IAsyncLifetime
{
    private OidcProvider _provider = null!;

    public async ValueTask InitializeAsync() => _provider = await OidcProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task A_manager_the_provider_signs_in_sees_only_the_clinics_its_claim_names()
    {
        _provider.User = new()
        {
            ["sub"] = "u-7", ["preferred_username"] = "petrova", ["name"] = "Петрова Ольга",
            ["roles"] = new[] { "clinic-managers" }, ["clinics"] = new[] { ManagerSite.ClinicA },
        };
        await using var replica = WithProvider();
        using var client = Browser(replica);

        var signInPage = await client.GetStringAsync("/manager/sign-in");
        using var back = await _provider.SignInAsync(client, "/manager/sign-in/oidc?returnUrl=%2Fmanager");
        var own = await client.GetStringAsync("/manager");
        using var other = await client.GetAsync($"/manager?clinicId={ManagerSite.ClinicB}");

        Assert.Contains("Войти через: Корпоративная учётная запись", signInPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.Equal("/manager", back.Headers.Location?.OriginalString);
        Assert.Contains("Петрова Ольга", own, StringComparison.Ordinal);
        Assert.Contains("<b id=\"count\">4</b>", own, StringComparison.Ordinal); // clinic A's four ratings
        Assert.DoesNotContain(ManagerSite.ClinicB, own, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task A_provider_user_outside_the_managers_group_is_sent_back_to_the_sign_in_page_with_the_reason()
    {
        _provider.User = new() { ["sub"] = "u-8", ["preferred_username"] = "marketing", ["roles"] = new[] { "comms-marketers" } };
        await using var replica = WithProvider();
        using var client = Browser(replica);

        using var back = await _provider.SignInAsync(client, "/manager/sign-in/oidc?returnUrl=%2Fmanager");
        var page = await client.GetStringAsync(back.Headers.Location!.OriginalString);
        using var dashboard = await client.GetAsync("/manager");

        Assert.Equal("/manager/sign-in?error=provider", back.Headers.Location?.OriginalString);
        Assert.Equal(
            "Войти через «Корпоративная учётная запись» не удалось: вход прерван или этой учётной записи не дан доступ сюда.",
            StaffSignInForm.Error(page));
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/manager/sign-in", dashboard.Headers.Location!.AbsolutePath);
    }

    private WebApplicationFactory<Program> WithProvider() => site.Replica(new Dictionary<string, string>
    {
        ["Staff:Oidc:Authority"] = _provider.Authority,
        ["Staff:Oidc:ClientId"] = "comms-feedback",
        ["Staff:Oidc:Roles:manager:0"] = "clinic-managers",
    });

    /// <summary>Over https (the provider's correlation cookies are Secure), keeping cookies, not following redirects.</summary>
    private static HttpClient Browser(WebApplicationFactory<Program> replica) => replica.CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://localhost"), HandleCookies = true, AllowAutoRedirect = false,
    });
}
