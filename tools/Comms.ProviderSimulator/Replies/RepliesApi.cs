using Comms.ProviderSimulator.Phones;
using Comms.ProviderSimulator.SmsRu;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Comms.ProviderSimulator.Replies;

/// <summary>The patient answering from their phone: the reply goes to the gateway's callback as SMS.ru would send it.</summary>
public static class RepliesApi
{
    public static IEndpointRouteBuilder MapRepliesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/sim/replies", ReplyAsync)
            .WithTags("Replies")
            .WithSummary("POSTs a patient's reply to the callback (sms_income) and says whether the gateway took it.");
        return endpoints;
    }

    private static async Task<Results<Accepted<ReplyDelivered>, ValidationProblem, ProblemHttpResult>> ReplyAsync(
        PatientReply reply,
        SmsRuCallbackClient callbacks,
        IOptions<SimulatorOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var smsRu = options.Value.SmsRu;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(reply.From))
        {
            errors["from"] = ["Give the patient's phone number."];
        }
        else if (!PhoneNumber.TryNormalize(reply.From, out _))
        {
            errors["from"] = ["Not a phone number (11 to 15 digits after normalization)."];
        }

        if (string.IsNullOrEmpty(reply.Text))
        {
            errors["text"] = ["Give the text the patient sends."];
        }

        if (reply.To is not null && !PhoneNumber.TryNormalize(reply.To, out _))
        {
            errors["to"] = ["Not a phone number; leave it out for the virtual number."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (string.IsNullOrWhiteSpace(smsRu.CallbackUrl))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "No callback configured",
                detail: "Set Simulator:SmsRu:CallbackUrl to the gateway's SMS.ru webhook so replies have somewhere to go.");
        }

        PhoneNumber.TryNormalize(reply.From, out var from);
        PhoneNumber.TryNormalize(reply.To ?? smsRu.VirtualNumber, out var to);
        var data = SmsRuCallbackData.SmsIncome(from!, to!, time.GetUtcNow(), reply.Text!);
        var outcome = await callbacks.PostAsync(smsRu.CallbackUrl, data, cancellationToken);

        var logger = loggers.CreateLogger(typeof(RepliesApi));
        if (outcome.Accepted)
        {
            logger.ReplyPosted(from!.Masked, outcome.HttpStatus);
            return TypedResults.Accepted((string?)null, new ReplyDelivered(true, outcome.HttpStatus));
        }

        logger.ReplyNotTaken(from!.Masked, outcome.Describe());
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status502BadGateway,
            Title = "The gateway did not take the reply",
            Detail = $"The callback at {smsRu.CallbackUrl} answered {outcome.Describe()}; SMS.ru expects HTTP 2xx with body '100'.",
            Extensions =
            {
                ["callbackStatus"] = outcome.HttpStatus,
                ["callbackBody"] = outcome.Body,
            },
        });
    }
}

/// <summary>The body of <c>POST /sim/replies</c>.</summary>
/// <param name="To">The number replied to; the configured virtual number when left out.</param>
public sealed record PatientReply(string? From, string? Text, string? To);

public sealed record ReplyDelivered(bool Delivered, int? CallbackStatus);
