using Comms.Audience.Persistence;
using Comms.StaffAccounts;

namespace Comms.Audience.Features.Analytics;

/// <summary>
/// Staff sign-in to the analytics page (Comms.StaffAccounts, as Feedback's managers' page): accounts with the role
/// <c>manager</c>, each limited to its clinics. Everything lives under <c>/analytics</c>: the page, its file, the
/// sign-in, the cookie's path.
/// </summary>
public static class AnalyticsSignIn
{
    public const string Policy = "AudienceManager";

    public static readonly StaffSite Site = new()
    {
        Name = "Comms.Audience",
        Title = "Аналитика пациентов",
        CookieName = "Comms.Audience.Managers",
        Path = "/analytics",
        Accounts = "/analytics",
        Home = "/analytics",
        Roles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Manager },
    };

    public static string SignInPath => Site.SignInPath;

    public static string SignOutPath => Site.SignOutPath;

    public static IHostApplicationBuilder AddAnalyticsSignIn(this IHostApplicationBuilder builder)
    {
        builder.AddStaffSignIn<AudienceDbContext>(Site);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Site.Cookie).RequireRole(StaffRoles.Manager));
        return builder;
    }
}
