using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Features.Sending;

/// <summary>Every provider call made for a message, for the operator asking "which provider, and why not the first?".</summary>
public static class AttemptsApi
{
    public sealed record AttemptView(
        int Number, string Account, string? Outcome, string? Code, string? Reason, string? ProviderMessageId,
        DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, bool Open);

    public static IEndpointRouteBuilder MapAttemptsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/sms/messages/{messageId:guid}/attempts", Get).WithTags("SMS").RequireOperatorKey()
            .WithSummary("A message's provider calls, in order: account, outcome, provider code and reason");
        return routes;
    }

    internal static async Task<Results<Ok<IReadOnlyList<AttemptView>>, ProblemHttpResult>> Get(Guid messageId, SmsDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Messages.AnyAsync(m => m.MessageId == messageId, cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown message",
                detail: $"This gateway has not received message {messageId}.");
        }

        IReadOnlyList<AttemptView> attempts = await db.SendAttempts.AsNoTracking().Where(a => a.MessageId == messageId).OrderBy(a => a.Number)
            .Select(a => new AttemptView(a.Number, a.Account, a.Outcome, a.Code, a.Reason, a.ProviderMessageId, a.StartedAt, a.FinishedAt, a.ResolveAfter != null))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(attempts);
    }
}
