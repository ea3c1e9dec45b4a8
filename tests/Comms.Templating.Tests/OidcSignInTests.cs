using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Templating.Tests;

/// <summary>
/// Sign-in through the chain's identity provider (<see cref="OidcProvider"/> stands in for it): the service sends the
/// browser to the provider's authorize endpoint with the client id, PKCE and the way back, redeems the code, and the
/// provider's groups decide who writes (<c>Staff:Oidc:Roles:marketer</c>); everyone else it signs in reads.
/// </summary>
public sealed class OidcSignInTests(TemplatingApp app) : IClassFixture<TemplatingApp>, IAsyncLifetime
{
    private OidcProvider _provider = null!;

    public async ValueTask InitializeAsync() => _provider = await OidcProvider.StartAsync();

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Configured_provider_gets_the_browser_with_client_id_pkce_and_the_way_back()
    {
        await using var site = WithProvider();
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetStringAsync("/account/sign-in?returnUrl=%2Ftemplates%2Fedit", TestContext.Current.CancellationToken);
        using var challenge = await client.GetAsync("/account/sign-in/oidc?returnUrl=%2Ftemplates%2Fedit", TestContext.Current.CancellationToken);

        Assert.Contains("<a id=\"provider\" href=\"/account/sign-in/oidc?returnUrl=%2Ftemplates%2Fedit\">Войти через: Корпоративная учётная запись</a>", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.Equal($"{_provider.Authority}/authorize", location.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("comms-templating", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.EndsWith("/signin-oidc", query["redirect_uri"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("comms-marketers", "marketer")]
    [InlineData("accounting", "viewer")]
    public async Task The_providers_groups_decide_who_writes_and_everyone_else_it_signs_in_reads(string group, string role)
    {
        _provider.User = new() { ["sub"] = "u-1", ["preferred_username"] = "smirnova", ["name"] = "Смирнова Ирина", ["roles"] = new[] { group } };
        await using var site = WithProvider();
        using var client = site.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), HandleCookies = true, AllowAutoRedirect = false,
        });

        using var back = await _provider.SignInAsync(client, "/account/sign-in/oidc?returnUrl=%2Ftemplates%2Fedit");
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", TestContext.Current.CancellationToken);
        using var draft = await client.PutAsJsonAsync("/api/v1/templates/appointment.missed/sms/ru/draft?clinicId=oidc-clinic", new { body = "Текст" }, TestContext.Current.CancellationToken);

        Assert.Equal("/templates/edit", back.Headers.Location?.OriginalString);
        Assert.Equal(("smirnova", "Смирнова Ирина", role), (me.GetProperty("userName").GetString(), me.GetProperty("displayName").GetString(), me.GetProperty("role").GetString()));
        Assert.Equal(role == "marketer" ? HttpStatusCode.OK : HttpStatusCode.Forbidden, draft.StatusCode);
    }

    [Fact]
    public async Task Without_a_provider_only_local_accounts_sign_in()
    {
        using var client = app.CreateBrowserClient();

        var page = await client.GetStringAsync("/account/sign-in", TestContext.Current.CancellationToken);
        using var challenge = await client.GetAsync("/account/sign-in/oidc", TestContext.Current.CancellationToken);

        Assert.DoesNotContain("id=\"provider\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, challenge.StatusCode);
        Assert.Equal("application/problem+json", challenge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void A_provider_without_a_client_id_stops_the_service_at_start()
    {
        var factory = app.Factory.WithWebHostBuilder(builder => builder.UseSetting("Staff:Oidc:Authority", _provider.Authority));

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Staff:Oidc:ClientId", failure.Message, StringComparison.Ordinal);
    }

    private WebApplicationFactory<Program> WithProvider() => app.Factory.WithWebHostBuilder(builder =>
    {
        builder.UseSetting("Staff:Oidc:Authority", _provider.Authority);
        builder.UseSetting("Staff:Oidc:ClientId", "comms-templating");
        builder.UseSetting("Staff:Oidc:Roles:marketer:0", "comms-marketers");
    });
}
