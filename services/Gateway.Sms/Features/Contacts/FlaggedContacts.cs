using Comms.Gateway.Sms.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Features.Contacts;

/// <summary>
/// Numbers a provider called invalid (a bad number at send time, "wrong number" in a receipt). Later messages to a
/// flagged number fail at once as failed-permanent without a provider call, so the clinic is not billed for them and
/// the MIS learns the contact needs fixing. An operator clears a flag when the number turns out fine.
/// </summary>
public sealed partial class FlaggedContacts(SmsDbContext db, TimeProvider time, ILogger<FlaggedContacts> logger)
{
    public async Task<FlaggedContact?> FindAsync(string contact, CancellationToken cancellationToken) =>
        await db.FlaggedContacts.FindAsync([contact], cancellationToken);

    /// <summary>The flags of these numbers (a batch's), with one query.</summary>
    public async Task<Dictionary<string, FlaggedContact>> FindAllAsync(IReadOnlyCollection<string> contacts, CancellationToken cancellationToken) =>
        await db.FlaggedContacts.Where(f => contacts.Contains(f.Contact)).ToDictionaryAsync(f => f.Contact, cancellationToken);

    /// <summary>Adds the flag to the unit of work (saved by the caller with the message's status).</summary>
    public async Task FlagAsync(string contact, string account, string? code, string reason, Guid? messageId, CancellationToken cancellationToken)
    {
        if (await FindAsync(contact, cancellationToken) is not null)
        {
            return;
        }

        db.FlaggedContacts.Add(new FlaggedContact
        {
            Contact = contact, Account = account, Code = code, Reason = reason, MessageId = messageId, FlaggedAt = time.GetUtcNow(),
        });
        LogFlagged(logger, ContactNormalizer.Mask(contact), account, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Number {Phone} flagged invalid by {Account}: {Reason}")]
    private static partial void LogFlagged(ILogger logger, string phone, string account, string reason);
}

public static class FlaggedContactsApi
{
    public sealed record FlagView(string Contact, string Account, string? Code, string Reason, Guid? MessageId, DateTimeOffset FlaggedAt);

    public static IEndpointRouteBuilder MapFlaggedContactsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/sms/flagged-contacts").WithTags("SMS").RequireOperatorKey();
        api.MapGet("/", Get).WithSummary("Whether a number is flagged invalid, and by whom");
        api.MapDelete("/", Clear).WithSummary("Clears a number's flag: messages to it are sent again");
        return routes;
    }

    internal static async Task<Results<Ok<FlagView>, NotFound, ValidationProblem>> Get(string? contact, SmsDbContext db, CancellationToken cancellationToken)
    {
        if (!ContactNormalizer.TryNormalizePhone(contact, out var phone))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contact"] = ["must be a phone number"] });
        }

        var flag = await db.FlaggedContacts.AsNoTracking().SingleOrDefaultAsync(f => f.Contact == phone, cancellationToken);
        return flag is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new FlagView(ContactNormalizer.Mask(flag.Contact), flag.Account, flag.Code, flag.Reason, flag.MessageId, flag.FlaggedAt));
    }

    internal static async Task<Results<NoContent, NotFound, ValidationProblem>> Clear(string? contact, SmsDbContext db, CancellationToken cancellationToken)
    {
        if (!ContactNormalizer.TryNormalizePhone(contact, out var phone))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contact"] = ["must be a phone number"] });
        }

        return await db.FlaggedContacts.Where(f => f.Contact == phone).ExecuteDeleteAsync(cancellationToken) > 0
            ? TypedResults.NoContent()
            : TypedResults.NotFound();
    }
}
