using Comms.StaffAccounts;

namespace Comms.Audience.Features.Analytics;

public static class AnalyticsExtensions
{
    /// <summary>The managers' sign-in (the page's cookie, its keys in Audience's database).</summary>
    public static IHostApplicationBuilder AddAnalytics(this IHostApplicationBuilder builder) => builder.AddAnalyticsSignIn();

    /// <summary><c>/analytics</c>, <c>/analytics/at-risk.csv</c> and the sign-in under <c>/analytics</c>.</summary>
    public static IEndpointRouteBuilder MapAnalytics(this IEndpointRouteBuilder routes)
    {
        routes.MapStaffSignIn();
        routes.MapGet("/analytics", AnalyticsEndpoints.Show).RequireAuthorization(AnalyticsSignIn.Policy).ExcludeFromDescription();
        routes.MapGet("/analytics/at-risk.csv", AnalyticsEndpoints.Export).RequireAuthorization(AnalyticsSignIn.Policy).ExcludeFromDescription();
        return routes;
    }
}
