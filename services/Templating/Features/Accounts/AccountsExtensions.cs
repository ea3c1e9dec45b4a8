using System.Security.Claims;
using Comms.StaffAccounts;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Templating.Features.Accounts;

/// <summary>
/// Staff sign-in to the marketer UI and the authoring API (Comms.StaffAccounts): accounts with a role
/// <c>marketer</c> or <c>viewer</c>. API calls without the cookie get 401 problem details and a viewer's writes 403,
/// never a redirect; pages redirect to the sign-in page.
/// </summary>
public static class AccountsExtensions
{
    /// <summary>Required by every writing endpoint: edit, publish, roll back.</summary>
    public const string MarketerPolicy = "TemplatingMarketer";

    public static readonly StaffSite Site = new()
    {
        Name = "Comms.Templating",
        Title = "Шаблоны сообщений",
        Accounts = "/account",
        ApiPath = "/api",
        Roles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Marketer, StaffRoles.Viewer },
        // Everyone the chain's provider signs in reads; its groups say who also writes (Staff:Oidc:Roles:marketer).
        ProviderRoles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Viewer },
        ObsoleteSections = ["Templating:Accounts", "Templating:Oidc"],
    };

    public static IHostApplicationBuilder AddTemplatingSignIn(this IHostApplicationBuilder builder)
    {
        builder.AddStaffSignIn<TemplatingDbContext>(Site);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(MarketerPolicy, policy => policy.AddAuthenticationSchemes(Site.Cookie).RequireRole(StaffRoles.Marketer));
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        app.MapStaffSignIn();
        // The sign-in page's address before it moved under /account.
        app.MapGet("/sign-in", (HttpRequest request) => TypedResults.Redirect(Site.SignInPath + request.QueryString)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/api/v1/me", Me).RequireAuthorization().WithTags("Accounts").WithName("Me");
        return app;
    }

    /// <summary>The name of the signed-in user, recorded as the author of what they change.</summary>
    public static string UserName(this ClaimsPrincipal user) =>
        user.Staff()?.Name ?? throw new InvalidOperationException("The endpoint requires a signed-in user.");

    private static Ok<Me> Me(ClaimsPrincipal user)
    {
        var staff = user.Staff() ?? throw new InvalidOperationException("The endpoint requires a signed-in user.");
        return TypedResults.Ok(new Me(
            staff.Name,
            staff.DisplayName,
            staff.Is(StaffRoles.Marketer) ? StaffRoles.Marketer : StaffRoles.Viewer,
            [.. staff.Roles.Order(StringComparer.Ordinal)]));
    }
}

/// <param name="Role">What the UI offers: <c>marketer</c> (edit, publish) or <c>viewer</c> (read).</param>
/// <param name="Roles">Every role of the user here.</param>
public sealed record Me(string UserName, string DisplayName, string Role, IReadOnlyList<string> Roles);
