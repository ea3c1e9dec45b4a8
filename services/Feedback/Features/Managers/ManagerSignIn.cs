using Comms.Feedback.Persistence;
using Comms.StaffAccounts;

namespace Comms.Feedback.Features.Managers;

/// <summary>
/// Staff sign-in to the managers' page (Comms.StaffAccounts): accounts with the role <c>manager</c>, each limited to
/// its clinics. Everything lives under <c>/manager</c>: the page, the sign-in, the cookie's path.
/// </summary>
public static class ManagerSignIn
{
    public const string Policy = "FeedbackManager";

    public static readonly StaffSite Site = new()
    {
        Name = "Comms.Feedback",
        Title = "Отзывы пациентов",
        CookieName = "Comms.Feedback.Managers",
        Path = "/manager",
        Accounts = "/manager",
        Home = "/manager",
        Roles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Manager },
        ObsoleteSections = ["Feedback:Managers"],
    };

    public static string Scheme => Site.Cookie;

    public static string SignInPath => Site.SignInPath;

    public static string SignOutPath => Site.SignOutPath;

    public static IHostApplicationBuilder AddManagerSignIn(this IHostApplicationBuilder builder)
    {
        builder.AddStaffSignIn<FeedbackDbContext>(Site);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Site.Cookie).RequireRole(StaffRoles.Manager));
        return builder;
    }

    public static IEndpointRouteBuilder MapManagerSignIn(this IEndpointRouteBuilder routes) => routes.MapStaffSignIn();
}
