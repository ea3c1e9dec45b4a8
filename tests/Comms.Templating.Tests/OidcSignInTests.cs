using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Templating.Tests;

/// <summary>
/// Sign-in through the chain's identity provider. No real provider can run here, so a small HTTP server stands in for
/// its discovery document: enough to prove the service sends the browser to the provider's own authorize endpoint with
/// the client id, PKCE and the way back. What the provider answers is the provider's (and its own tests').
/// </summary>
public sealed class OidcSignInTests(TemplatingApp app) : IClassFixture<TemplatingApp>, IAsyncLifetime
{
    private WebApplication _provider = null!;
    private string _authority = "";

    public async ValueTask InitializeAsync()
    {
        _provider = WebApplication.CreateBuilder().Build();
        _provider.Urls.Add("http://127.0.0.1:0");
        _provider.MapGet("/.well-known/openid-configuration", (HttpRequest request) =>
        {
            var issuer = $"{request.Scheme}://{request.Host}";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = issuer,
                ["authorization_endpoint"] = $"{issuer}/authorize",
                ["token_endpoint"] = $"{issuer}/token",
                ["jwks_uri"] = $"{issuer}/jwks",
                ["response_types_supported"] = new[] { "code" },
                ["subject_types_supported"] = new[] { "public" },
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            });
        });
        _provider.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
        await _provider.StartAsync();
        _authority = _provider.Urls.Single();
    }

    [Fact]
    public async Task Configured_provider_gets_the_browser_with_client_id_pkce_and_the_way_back()
    {
        using var client = WithProvider().CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var page = await client.GetStringAsync("/account/sign-in?returnUrl=%2Ftemplates%2Fedit", TestContext.Current.CancellationToken);
        using var challenge = await client.GetAsync("/account/sign-in/oidc?returnUrl=%2Ftemplates%2Fedit", TestContext.Current.CancellationToken);

        Assert.Contains("<a id=\"provider\" href=\"/account/sign-in/oidc?returnUrl=%2Ftemplates%2Fedit\">Войти через: Корпоративная учётная запись</a>", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.Equal($"{_authority}/authorize", location.GetLeftPart(UriPartial.Path));
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("comms-templating", query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.EndsWith("/signin-oidc", query["redirect_uri"], StringComparison.Ordinal);
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
        var factory = app.Factory.WithWebHostBuilder(builder => builder.UseSetting("Staff:Oidc:Authority", _authority));

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Staff:Oidc:ClientId", failure.Message, StringComparison.Ordinal);
    }

    private WebApplicationFactory<Program> WithProvider() => app.Factory.WithWebHostBuilder(builder =>
    {
        builder.UseSetting("Staff:Oidc:Authority", _authority);
        builder.UseSetting("Staff:Oidc:ClientId", "comms-templating");
        builder.UseSetting("Staff:Oidc:Roles:marketer:0", "comms-marketers");
    });

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}
