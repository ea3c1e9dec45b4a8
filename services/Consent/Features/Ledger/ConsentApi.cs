using Comms.Consent.Persistence;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Ledger;

/// <summary>
/// "Why didn't this patient get a reminder?": the current consents of a contact and the full ledger history behind
/// them. Admin writes, imports and evidence export come later.
/// </summary>
public static class ConsentApi
{
    public static IEndpointRouteBuilder MapConsentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/consents").WithTags("Consents");
        group.MapGet("/", GetAsync).WithName("GetConsents");
        return app;
    }

    private static async Task<Results<Ok<ContactConsents>, ValidationProblem>> GetAsync(
        string? contact, ConsentDbContext db, CancellationToken cancellationToken)
    {
        if (!ContactNormalizer.TryNormalize(contact, out var normalized))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["contact"] = ["must be a phone number (any common format, e.g. 8 (916) 123-45-67 or +79161234567) or an email address"],
            });
        }

        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.Contact == normalized)
            .OrderByDescending(r => r.Id)
            .ToListAsync(cancellationToken);

        var current = ConsentState.Current(records)
            .OrderBy(s => s.Record.Channel).ThenBy(s => s.Record.Purpose)
            .Select(s => new CurrentConsent(
                s.Record.Channel, s.Record.Purpose, s.Record.Granted, s.Record.Method, s.Record.CapturedAt, s.Record.DocumentRef, s.Sequence))
            .ToList();
        var history = records
            .Select(r => new ConsentHistoryEntry(
                r.Id, r.Channel, r.Purpose, r.Granted, r.Method, r.Source, r.DocumentRef, r.CapturedAt, r.CapturedBy, r.RecordedAt,
                r.ClinicId, r.PatientId))
            .ToList();
        return TypedResults.Ok(new ContactConsents(normalized, current, history));
    }
}

public sealed record ContactConsents(string Contact, IReadOnlyList<CurrentConsent> Current, IReadOnlyList<ConsentHistoryEntry> History);

/// <param name="Sequence">The ledger's highest sequence for this channel and purpose, as the last ConsentChanged carried.</param>
public sealed record CurrentConsent(
    string Channel, string Purpose, bool Granted, string Method, DateTimeOffset CapturedAt, string? DocumentRef, long Sequence);

/// <param name="Sequence">The record's id in the ledger.</param>
public sealed record ConsentHistoryEntry(
    long Sequence,
    string Channel,
    string Purpose,
    bool Granted,
    string Method,
    string Source,
    string? DocumentRef,
    DateTimeOffset CapturedAt,
    string? CapturedBy,
    DateTimeOffset RecordedAt,
    string ClinicId,
    string? PatientId);
