using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.Smsc;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.ProviderSimulator.Faults;

public static class FaultsApi
{
    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder endpoints)
    {
        var faults = endpoints.MapGroup("/sim/faults").WithTags("Faults");

        faults.MapPost("/", Create).WithSummary("Injects a failure into sends or receipts of one provider.");
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
        var errors = Validate(request, out var provider, out var to);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var fault = store.Add(new Fault(
            0,
            provider!,
            to?.E164,
            request.SendStatusCode,
            request.ReceiptStatusCode,
            request.Times,
            request.Times,
            time.GetUtcNow(),
            request.DelayMs,
            request.ErrorRate,
            request.Outcome,
            request.HttpStatus,
            request.Receipt,
            request.Accepted ?? false));
        loggers.CreateLogger(typeof(FaultsApi)).FaultInjected(
            fault.Id,
            fault.Provider,
            fault.To is null ? "every number" : PhoneNumber.Mask(fault.To),
            fault.SendStatusCode,
            fault.Outcome,
            fault.HttpStatus,
            fault.Accepted,
            fault.ReceiptStatusCode,
            fault.Receipt,
            fault.Times,
            fault.ErrorRate);
        return TypedResults.Created($"/sim/faults/{fault.Id}", fault);
    }

    private static Dictionary<string, string[]> Validate(FaultRequest request, out string? provider, out PhoneNumber? to)
    {
        var errors = new Dictionary<string, string[]>();
        provider = ProviderNames.ParseFaultable(request.Provider);
        if (provider is null)
        {
            errors["provider"] = [$"Give the provider to fail: one of {string.Join(", ", ProviderNames.All)}, {ProviderNames.WhatsApp}, {ProviderNames.Max}."];
        }

        to = null;
        if (request.To is not null && !PhoneNumber.TryNormalize(request.To, out to))
        {
            errors["to"] = ["Not a phone number (11 to 15 digits after normalization); leave it null for every number."];
        }

        if (request is { SendStatusCode: null, Outcome: null, HttpStatus: null, DelayMs: null, ReceiptStatusCode: null, Receipt: null })
        {
            errors["sendStatusCode"] =
                ["Give at least one effect: sendStatusCode, outcome, httpStatus, delayMs, receiptStatusCode or receipt."];
        }

        if (request.SendStatusCode is { } send && SendStatusCodeError(provider, send) is { } sendError)
        {
            errors["sendStatusCode"] = [sendError];
        }

        if (request.Outcome is not null && !FaultOutcomes.All.Contains(request.Outcome))
        {
            errors["outcome"] = [$"One of {string.Join(", ", FaultOutcomes.All)}."];
        }
        else if (request.Outcome is not null && request.SendStatusCode is not null)
        {
            errors["outcome"] = ["Give outcome or sendStatusCode, not both."];
        }

        if (request.HttpStatus is { } http && http is not (429 or (>= 500 and <= 599)))
        {
            errors["httpStatus"] = ["Give 429 or a status from 500 to 599."];
        }

        if (request.Accepted is true && request.HttpStatus is null)
        {
            errors["accepted"] = ["Give httpStatus too: the message is taken, then answered with that status (say 502)."];
        }
        else if (request.Accepted is true && provider is not (ProviderNames.Max or ProviderNames.WhatsApp))
        {
            errors["accepted"] = [$"Taking the message and answering an error is simulated for {ProviderNames.Max} and {ProviderNames.WhatsApp} only."];
        }

        if (request.DelayMs is < 1 or > 60_000)
        {
            errors["delayMs"] = ["Give 1 to 60000 milliseconds."];
        }

        if (request.ReceiptStatusCode is { } receipt && ReceiptStatusCodeError(provider, receipt) is { } receiptError)
        {
            errors["receiptStatusCode"] = [receiptError];
        }

        if (request.Receipt is not null && !FaultReceipts.All.Contains(request.Receipt))
        {
            errors["receipt"] = [$"One of {string.Join(", ", FaultReceipts.All)}."];
        }
        else if (request.Receipt is not null && request.ReceiptStatusCode is not null)
        {
            errors["receipt"] = ["Give receipt or receiptStatusCode, not both."];
        }

        if (request.ErrorRate is <= 0 or > 1 || request.ErrorRate is double.NaN)
        {
            errors["errorRate"] = ["Give a share above 0 and up to 1 (0.3 = three sends in ten), or null for every send."];
        }

        if (request.Times is < 1)
        {
            errors["times"] = ["Give 1 or more, or null for until cleared."];
        }

        return errors;
    }

    private static string? SendStatusCodeError(string? provider, int code) => provider switch
    {
        ProviderNames.SmsRu when code is < 200 or > 999 =>
            "An SMS.ru error code is 200 or more (e.g. 207 no route, 220 service unavailable).",
        ProviderNames.Smsc when !SmscStatus.IsSendError(code) =>
            "An SMSC.ru error_code is 1 to 9 (e.g. 3 no funds, 8 cannot be delivered, 9 duplicate).",
        ProviderNames.SmsAero =>
            "SMS Aero has no error codes of its own: give outcome (e.g. noFunds) or httpStatus instead.",
        ProviderNames.WhatsApp when code < 1 =>
            "A Cloud API error code (e.g. 131047 outside the window, 131026 undeliverable, 130429 rate limit).",
        ProviderNames.Max =>
            "MAX answers with text codes, not numbers: give outcome (rateLimited, stopListed, unavailable) or httpStatus instead.",
        _ => null,
    };

    private static string? ReceiptStatusCodeError(string? provider, int code) => provider switch
    {
        ProviderNames.SmsRu when code is < 100 or > 999 =>
            "An SMS.ru receipt code is 100 or more (e.g. 104 expired, 106 phone failure).",
        ProviderNames.Smsc when !SmscStatus.IsReceiptStatus(code) =>
            "An SMSC.ru status is one of -1, 0, 1, 2, 3, 20, 22, 23, 24, 25 (e.g. 3 expired, 20 undeliverable).",
        ProviderNames.SmsAero when code is < 0 or > 8 =>
            "An SMS Aero status is 0 to 8 (e.g. 2 not delivered, 6 rejected).",
        ProviderNames.WhatsApp when code < 1 =>
            "The Cloud API error code of the failed status (e.g. 131026 undeliverable).",
        ProviderNames.Max => "MAX sends bots no delivery receipts.",
        _ => null,
    };

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
