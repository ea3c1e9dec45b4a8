using Comms.Delivery.Consent;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Messages;

/// <summary>
/// A gateway's messages and consent projection. A message: for an operator, or for its clinic's own key (another
/// clinic's message is answered as unknown). The consent projection spans clinics: operators only.
/// </summary>
public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Messages");
        api.MapGet("/messages/{messageId:guid}", GetMessage).WithSummary("A message's status, reason and history").RequireApiKey();
        api.MapGet("/consents", GetConsents).WithSummary("This gateway's view of a contact's consents (what the gate checks)").RequireOperatorKey();
        return routes;
    }

    public sealed record StatusView(string Status, string? Reason, DateTimeOffset OccurredAt);

    public sealed record MessageView(
        Guid MessageId, string Channel, string ClinicId, string? PatientId, string? AppointmentId, string Contact, string Purpose,
        string Status, string? Reason, string? Provider, string? ProviderMessageId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        IReadOnlyList<StatusView> History, int Attempts = 0, DateTimeOffset? AcceptedAt = null, int? Segments = null, decimal? Cost = null,
        string? Currency = null, string? Cause = null, DateTimeOffset? NotAfter = null);

    public sealed record ConsentView(string Channel, string Purpose, bool Granted, string Method, long Sequence, DateTimeOffset CapturedAt);

    internal static async Task<Results<Ok<MessageView>, ProblemHttpResult>> GetMessage(
        Guid messageId, HttpContext http, GatewayDbContext db, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().Include(m => m.History)
            .SingleOrDefaultAsync(m => m.MessageId == messageId, cancellationToken);
        if (message is null || !http.GetCaller().MayActFor(message.ClinicId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown message",
                detail: $"This gateway has not received message {messageId}.");
        }

        return TypedResults.Ok(new MessageView(
            message.MessageId, message.Channel, message.ClinicId, message.PatientId, message.AppointmentId,
            ContactNormalizer.Mask(message.Contact), message.Purpose, message.Status, message.Reason, message.Provider,
            message.ProviderMessageId, message.CreatedAt, message.UpdatedAt,
            [.. message.History.OrderBy(h => h.Id).Select(h => new StatusView(h.Status, h.Reason, h.OccurredAt))],
            message.Attempts, message.AcceptedAt, message.Segments, message.Cost, message.Currency, message.Cause, message.NotAfter));
    }

    internal static async Task<Results<Ok<IReadOnlyList<ConsentView>>, ValidationProblem>> GetConsents(
        string? contact, GatewayDbContext db, CancellationToken cancellationToken)
    {
        if (!ContactNormalizer.TryNormalize(contact, out var normalized) && !ContactNormalizer.TryNormalizeMessengerId(contact, out normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contact"] = ["must be a phone number, an email address or a MAX user id"] });
        }

        IReadOnlyList<ConsentView> states = await db.ConsentStates.AsNoTracking()
            .Where(c => c.Contact == normalized)
            .OrderBy(c => c.Channel).ThenBy(c => c.Purpose)
            .Select(c => new ConsentView(c.Channel, c.Purpose, c.Granted, c.Method, c.Sequence, c.CapturedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(states);
    }
}
