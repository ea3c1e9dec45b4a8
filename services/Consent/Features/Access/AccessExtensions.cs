using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Comms.Consent.Features.Access;

public static class AccessExtensions
{
    public const string PolicyName = "ConsentApiKey";

    /// <summary>API keys from <c>Consent:ApiKeys</c> (validated at start) and the policy every endpoint of the API requires.</summary>
    public static IHostApplicationBuilder AddConsentAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsentAccessOptions>().BindConfiguration(ConsentAccessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PolicyName, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>The API key's name: recorded as who made the change.</summary>
    public static string KeyName(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The endpoint requires the API key policy.");
}
