using Comms.Audience.Persistence;
using Comms.StaffAccounts;

namespace Comms.Audience.Features.Analytics;

/// <summary>
/// Staff sign-in to Audience's pages (Comms.StaffAccounts, as Feedback's managers' page): accounts with the role
/// <c>manager</c> (the analytics page), <c>marketer</c> (makes campaigns) or <c>approver</c> (approves and launches
/// them), each limited to its clinics. The sign-in is under <c>/analytics</c>; the cookie is the whole site's, so the
/// analytics page, the campaigns' pages and the campaigns' API (<c>/api/v1/campaigns</c>: 401/403 problem details, never
/// a redirect) share it.
/// </summary>
public static class AnalyticsSignIn
{
    public const string Policy = "AudienceManager";

    /// <summary>Reads campaigns, their previews and results: a marketer, an approver or a manager.</summary>
    public const string CampaignReaderPolicy = "AudienceCampaignReader";

    public static readonly StaffSite Site = new()
    {
        Name = "Comms.Audience",
        Title = "Аналитика пациентов и рассылки",
        CookieName = "Comms.Audience.Managers",
        Path = "/",
        Accounts = "/analytics",
        Home = "/analytics",
        ApiPath = "/api/v1/campaigns",
        Roles = new HashSet<string>(StringComparer.Ordinal) { StaffRoles.Manager, StaffRoles.Marketer, StaffRoles.Approver },
    };

    public static string SignInPath => Site.SignInPath;

    public static string SignOutPath => Site.SignOutPath;

    public static IHostApplicationBuilder AddAnalyticsSignIn(this IHostApplicationBuilder builder)
    {
        builder.AddStaffSignIn<AudienceDbContext>(Site);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Site.Cookie).RequireRole(StaffRoles.Manager))
            .AddPolicy(CampaignReaderPolicy, policy => policy.AddAuthenticationSchemes(Site.Cookie)
                .RequireRole(StaffRoles.Marketer, StaffRoles.Approver, StaffRoles.Manager));
        return builder;
    }
}
