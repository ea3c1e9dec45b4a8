using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Gateway.Sms.Features.Routing;

public static class ProvidersApi
{
    public sealed record AccountView(
        string Account, string Provider, bool Degraded, string? Reason, DateTimeOffset? DegradedSince, int CallsInWindow,
        double ErrorRate, DateTimeOffset? SkippedUntil, decimal PricePerSegment, string Currency, int RatePerSecond,
        string? AccountProblem, DateTimeOffset? AccountProblemSince);

    public sealed record RouteView(string? ClinicId, IReadOnlyList<string> Accounts, IReadOnlyList<string> CurrentOrder, string? Sender);

    public sealed record ProvidersView(IReadOnlyList<AccountView> Accounts, IReadOnlyList<RouteView> Routes);

    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/sms/providers", Get).WithTags("SMS").RequireOperatorKey()
            .WithSummary("Each provider account's health as this replica sees it, and each route's current order (no secrets)");
        return routes;
    }

    internal static Ok<ProvidersView> Get(SmsAccounts accounts, ProviderHealth health, Microsoft.Extensions.Options.IOptions<SmsOptions> options)
    {
        var views = accounts.Names.Select(name =>
        {
            var h = health.Evaluate(name);
            var settings = accounts.Settings(name);
            return new AccountView(name, settings.Provider, h.Degraded, h.Reason, h.Since, h.CallsInWindow, h.ErrorRate, h.SkippedUntil,
                settings.PricePerSegment, settings.Currency, settings.RatePerSecond, h.AccountProblem?.Describe(), h.AccountProblem?.Since);
        }).ToList();
        var routing = options.Value.Routing;
        var routesView = new List<RouteView> { new(null, routing.Default.Accounts, health.Order(routing.Default.Accounts), routing.Default.Sender) };
        routesView.AddRange(routing.Clinics.Select(c => new RouteView(c.Key, c.Value.Accounts, health.Order(c.Value.Accounts), c.Value.Sender)));
        return TypedResults.Ok(new ProvidersView(views, routesView));
    }
}
