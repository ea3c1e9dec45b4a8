using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Comms.ProviderSimulator.Billing;

/// <summary>
/// The SMS accounts' money: read it, top it up as a payment into the provider's cabinet would, or set it (to zero, to
/// watch the gateway take "no money"). <c>DELETE /sim/messages</c> restores every starting balance.
/// </summary>
public static class BalancesApi
{
    /// <summary>Roubles to add; more than zero.</summary>
    public sealed record TopUpRequest(decimal? Amount);

    /// <summary>The new balance in roubles; zero or more.</summary>
    public sealed record SetBalanceRequest(decimal? Balance);

    public static IEndpointRouteBuilder MapBalancesApi(this IEndpointRouteBuilder endpoints)
    {
        var balances = endpoints.MapGroup("/sim/balances").WithTags("Balances");

        balances.MapGet("/", (SmsBalances accounts) => TypedResults.Ok(accounts.All()))
            .WithSummary("Each SMS provider account's balance in roubles.");
        balances.MapGet("/{provider}", Get)
            .WithSummary("One SMS provider account's balance.");
        balances.MapPost("/{provider}/top-up", TopUp)
            .WithSummary("Adds money to a provider account, as a payment into its cabinet does.");
        balances.MapPut("/{provider}", Set)
            .WithSummary("Sets a provider account's balance (0 empties it: sends are then refused for want of money).");

        return endpoints;
    }

    private static Results<Ok<ProviderBalance>, NotFound<ProblemDetails>> Get(string provider, SmsBalances accounts) =>
        accounts.Of(ProviderNames.Parse(provider) ?? "") is { } balance ? TypedResults.Ok(balance) : NoSuchProvider(provider);

    private static Results<Ok<ProviderBalance>, ValidationProblem, NotFound<ProblemDetails>> TopUp(
        string provider, TopUpRequest request, SmsBalances accounts, ILoggerFactory loggers)
    {
        var name = ProviderNames.Parse(provider);
        if (name is null || accounts.MoneyOf(name) is not { } money)
        {
            return NoSuchProvider(provider);
        }

        if (request.Amount is not ({ } amount and > 0))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = ["Give the roubles to add, more than zero (for example 100000)."],
            });
        }

        money.TopUp(amount);
        var balance = accounts.Of(name)!;
        loggers.CreateLogger(typeof(BalancesApi)).BalanceToppedUp(name, amount, balance.Balance);
        return TypedResults.Ok(balance);
    }

    private static Results<Ok<ProviderBalance>, ValidationProblem, NotFound<ProblemDetails>> Set(
        string provider, SetBalanceRequest request, SmsBalances accounts, ILoggerFactory loggers)
    {
        var name = ProviderNames.Parse(provider);
        if (name is null || accounts.MoneyOf(name) is not { } money)
        {
            return NoSuchProvider(provider);
        }

        if (request.Balance is not ({ } value and >= 0))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["balance"] = ["Give the new balance in roubles, zero or more."],
            });
        }

        money.Set(value);
        var balance = accounts.Of(name)!;
        loggers.CreateLogger(typeof(BalancesApi)).BalanceSet(name, balance.Balance);
        return TypedResults.Ok(balance);
    }

    private static NotFound<ProblemDetails> NoSuchProvider(string provider) =>
        TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such SMS provider",
            Detail = $"'{provider}' is not one of {string.Join(", ", ProviderNames.All)}: only SMS accounts have a balance.",
        });
}
