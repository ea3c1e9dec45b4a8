using Comms.ProviderSimulator.Inbox;
using Comms.ProviderSimulator.Phones;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Comms.ProviderSimulator.Replies;

/// <summary>
/// The patient answering from their phone: the reply goes to the gateway's inbound callback as the provider would send
/// it, by default the provider that last delivered a message to that phone (SMS.ru when none did).
/// </summary>
public static class RepliesApi
{
    public static IEndpointRouteBuilder MapRepliesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/sim/replies", ReplyAsync)
            .WithTags("Replies")
            .WithSummary("POSTs a patient's reply to the provider's inbound callback and says whether the gateway took it.");
        return endpoints;
    }

    private static async Task<Results<Accepted<ReplyDelivered>, ValidationProblem, ProblemHttpResult>> ReplyAsync(
        PatientReply reply,
        PatientReplies replies,
        MessageInbox inbox,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        PhoneNumber? from = null;
        if (string.IsNullOrWhiteSpace(reply.From))
        {
            errors["from"] = ["Give the patient's phone number."];
        }
        else if (!PhoneNumber.TryNormalize(reply.From, out from))
        {
            errors["from"] = ["Not a phone number (11 to 15 digits after normalization)."];
        }

        if (string.IsNullOrEmpty(reply.Text))
        {
            errors["text"] = ["Give the text the patient sends."];
        }

        PhoneNumber? to = null;
        if (reply.To is not null && !PhoneNumber.TryNormalize(reply.To, out to))
        {
            errors["to"] = ["Not a phone number; leave it out for the provider's virtual number."];
        }

        var provider = reply.Provider is null ? null : ProviderNames.Parse(reply.Provider);
        if (reply.Provider is not null && provider is null)
        {
            errors["provider"] = [$"One of {string.Join(", ", ProviderNames.All)}; leave it out for the provider that last sent to 'from'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        provider ??= inbox.LastProviderFor(from!.E164) ?? ProviderNames.SmsRu;
        var (callbackUrl, setting) = replies.CallbackOf(provider);
        if (string.IsNullOrWhiteSpace(callbackUrl))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "No callback configured",
                detail: $"Set {setting} to the gateway's {ProviderNames.DisplayName(provider)} webhook so replies have somewhere to go.");
        }

        var outcome = await replies.PostAsync(provider, callbackUrl, from!, to, reply.Text!, cancellationToken);
        var logger = loggers.CreateLogger(typeof(RepliesApi));
        if (outcome.Accepted)
        {
            logger.ReplyPosted(from!.Masked, outcome.HttpStatus);
            return TypedResults.Accepted((string?)null, new ReplyDelivered(true, outcome.HttpStatus, provider));
        }

        logger.ReplyNotTaken(from!.Masked, outcome.Describe());
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status502BadGateway,
            Title = "The gateway did not take the reply",
            Detail = $"The callback at {callbackUrl} answered {outcome.Describe()}; {PatientReplies.ExpectationOf(provider)}",
            Extensions =
            {
                ["callbackStatus"] = outcome.HttpStatus,
                ["callbackBody"] = outcome.Body,
                ["provider"] = provider,
            },
        });
    }
}

/// <summary>The body of <c>POST /sim/replies</c>.</summary>
/// <param name="To">The number replied to; the provider's virtual number when left out.</param>
/// <param name="Provider">The provider the reply comes through; by default the one that last sent to <paramref name="From"/>.</param>
public sealed record PatientReply(string? From, string? Text, string? To, string? Provider = null);

public sealed record ReplyDelivered(bool Delivered, int? CallbackStatus, string Provider);
