using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comms.Testing;

/// <summary>
/// A small OpenID Connect provider on a real port, enough for the authorization code flow with PKCE: discovery, the
/// authorize endpoint (it signs in <see cref="User"/> at once, no page), the token endpoint (an RS256 id_token with the
/// nonce, the user's claims and at_hash) and the signing keys. A stand-in for the chain's Keycloak or ADFS.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _codes = new();

    private OidcProvider(WebApplication app) => _app = app;

    public string Authority { get; private set; } = "";

    /// <summary>The claims of whoever signs in next: <c>sub</c>, <c>preferred_username</c>, <c>roles</c> (string[]), …</summary>
    public Dictionary<string, object> User { get; set; } = new() { ["sub"] = "user-1" };

    public static async Task<OidcProvider> StartAsync()
    {
        var app = WebApplication.CreateBuilder().Build();
        app.Urls.Add("http://127.0.0.1:0");
        var provider = new OidcProvider(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = provider.Authority,
            ["authorization_endpoint"] = $"{provider.Authority}/authorize",
            ["token_endpoint"] = $"{provider.Authority}/token",
            ["jwks_uri"] = $"{provider.Authority}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var key = JsonWebKeyConverter.ConvertFromRSASecurityKey(provider.SigningKey);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = key.Kid, n = key.N, e = key.E } } });
        });
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var query = request.Query;
            var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
            provider._codes[code] = new Grant(query["client_id"].ToString(), query["nonce"].ToString(), query["code_challenge"].ToString(), new(provider.User));
            return Results.Redirect($"{query["redirect_uri"]}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (!provider._codes.TryRemove(form["code"].ToString(), out var grant)
                || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.CodeChallenge)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
            }

            var accessToken = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
            var claims = new Dictionary<string, object>(grant.User)
            {
                ["nonce"] = grant.Nonce,
                ["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]),
            };
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = provider.Authority,
                Audience = grant.ClientId,
                Claims = claims,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddMinutes(-1),
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new SigningCredentials(provider.SigningKey, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
        await app.StartAsync();
        provider.Authority = app.Urls.Single();
        return provider;
    }

    /// <summary>
    /// Signs the browser in through the provider: from the service's <c>…/sign-in/oidc</c> to the provider and back
    /// to the service's <c>signin-oidc</c>, as the browser follows the redirects. Returns the service's last answer.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient service, string providerPath)
    {
        using var challenge = await service.GetAsync(providerPath);
        var authorize = challenge.Headers.Location ?? throw new InvalidOperationException($"No redirect to the provider: {(int)challenge.StatusCode}");
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var back = await browser.GetAsync(authorize);
        return await service.GetAsync(back.Headers.Location ?? throw new InvalidOperationException("The provider sent the browser nowhere."));
    }

    private RsaSecurityKey SigningKey => new(_rsa) { KeyId = "test-key" };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private sealed record Grant(string ClientId, string Nonce, string CodeChallenge, Dictionary<string, object> User);
}
