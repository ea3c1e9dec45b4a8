using Comms.ProviderSimulator.Phones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.ProviderSimulator.Faults;

public static class FaultsApi
{
    /// <summary>Providers the simulator speaks; a fault for another would never fire.</summary>
    private static readonly string[] Providers = ["smsru"];

    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder endpoints)
    {
        var faults = endpoints.MapGroup("/sim/faults").WithTags("Faults");

        faults.MapPost("/", Create).WithSummary("Injects a failure into sends or receipts.");
        faults.MapGet("/", (FaultStore store) => TypedResults.Ok(store.List())).WithSummary("Lists active faults.");
        faults.MapGet("/{id:int}", Get).WithSummary("Shows one active fault.");
        faults.MapDelete("/{id:int}", Delete).WithSummary("Removes one fault.");
        faults.MapDelete("/", (FaultStore store) =>
        {
            store.Clear();
            return TypedResults.NoContent();
        }).WithSummary("Removes every fault.");

        return endpoints;
    }

    private static Results<Created<Fault>, ValidationProblem> Create(
        FaultRequest request, FaultStore store, TimeProvider time, ILoggerFactory loggers)
    {
        var errors = new Dictionary<string, string[]>();
        var provider = request.Provider?.Trim().ToLowerInvariant();
        if (provider is null || !Providers.Contains(provider))
        {
            errors["provider"] = [$"Give the provider to fail: one of {string.Join(", ", Providers)}."];
        }

        PhoneNumber? to = null;
        if (request.To is not null && !PhoneNumber.TryNormalize(request.To, out to))
        {
            errors["to"] = ["Not a phone number (11 to 15 digits after normalization); leave it null for every number."];
        }

        if (request.SendStatusCode is null && request.ReceiptStatusCode is null && request.DelayMs is null)
        {
            errors["sendStatusCode"] = ["Give sendStatusCode, receiptStatusCode, delayMs, or several of them."];
        }

        if (request.DelayMs is < 1 or > 60_000)
        {
            errors["delayMs"] = ["Give 1 to 60000 milliseconds."];
        }

        if (request.SendStatusCode is { } send && send is < 200 or > 999)
        {
            errors["sendStatusCode"] = ["An SMS.ru error code is 200 or more (e.g. 207 no route, 220 service unavailable)."];
        }

        if (request.ReceiptStatusCode is { } receipt && receipt is < 100 or > 999)
        {
            errors["receiptStatusCode"] = ["An SMS.ru receipt code is 100 or more (e.g. 104 expired, 106 phone failure)."];
        }

        if (request.Times is < 1)
        {
            errors["times"] = ["Give 1 or more, or null for until cleared."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var fault = store.Add(provider!, to?.E164, request.SendStatusCode, request.ReceiptStatusCode, request.Times, time.GetUtcNow(), request.DelayMs);
        loggers.CreateLogger(typeof(FaultsApi)).FaultInjected(fault.Id, fault.Provider, fault.To is null ? "every number" : PhoneNumber.Mask(fault.To),
            fault.SendStatusCode, fault.ReceiptStatusCode, fault.Times);
        return TypedResults.Created($"/sim/faults/{fault.Id}", fault);
    }

    private static Results<Ok<Fault>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>> Get(int id, FaultStore store) =>
        store.Find(id) is { } fault ? TypedResults.Ok(fault) : NotFound(id);

    private static Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>> Delete(int id, FaultStore store) =>
        store.Remove(id) ? TypedResults.NoContent() : NotFound(id);

    private static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(int id) =>
        TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such fault",
            Detail = $"Fault {id} does not exist, or was used up or cleared.",
        });
}
