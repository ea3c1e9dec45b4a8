using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Comms.Consent.Features.Access;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against <c>Consent:ApiKeys</c>; the caller's identity is the key's name.
/// Keys are compared as SHA-256 digests in constant time. A missing or unknown key is answered 401 with problem details.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<ConsentAccessOptions> keys,
    IProblemDetailsService problemDetails) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presentedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim()));
        string? name = null;
        foreach (var candidate in keys.CurrentValue.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(presentedDigest, SHA256.HashData(Encoding.UTF8.GetBytes(candidate.Key.Trim()))))
            {
                name = candidate.Name;
            }
        }

        if (name is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (keys.CurrentValue.ApiKeys.Count == 0)
        {
            LogNoKeys(Logger);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var missing = string.IsNullOrEmpty(Request.Headers[HeaderName].ToString());
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = missing ? "Missing API key" : "Unknown API key",
                Detail = $"Send one of the keys configured in Consent:ApiKeys in the {HeaderName} header.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consent:ApiKeys is empty: the HTTP API refuses every request until a key is configured")]
    private static partial void LogNoKeys(ILogger logger);
}
