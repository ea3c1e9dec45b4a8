using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.ServiceDefaults.Access;
using Comms.Consent.Persistence;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Ledger;

/// <summary>
/// The ledger over HTTP, for the MIS and administrators (every endpoint needs an <c>X-Api-Key</c>): record a grant or
/// a revocation with its evidence, and "why didn't this patient get a reminder?" — the current consents of a contact
/// and the full history behind them.
/// </summary>
public static partial class ConsentApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The group every consent endpoint lives in; each feature maps its own endpoints onto it.</summary>
    public static RouteGroupBuilder MapConsentsGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/consents")
            .WithTags("Consents")
            .RequireOperatorKey()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    public static RouteGroupBuilder MapLedgerEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/", GetAsync).WithName("GetConsents")
            .WithSummary("Current consents of a contact and the full ledger history behind them");
        group.MapPost("/", PostAsync).WithName("RecordConsent")
            .WithSummary("Records a grant or a revocation with its evidence")
            .Accepts<JsonElement>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    internal static async Task<Results<Ok<ContactConsents>, ValidationProblem>> GetAsync(
        string? contact, ConsentDbContext db, CancellationToken cancellationToken)
    {
        if (!ContactNormalizer.TryNormalize(contact, out var normalized) && !ContactNormalizer.TryNormalizeMessengerId(contact, out normalized))
        {
            return InvalidContact();
        }

        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.Contact == normalized)
            .OrderByDescending(r => r.Id)
            .ToListAsync(cancellationToken);

        var current = ConsentState.Current(records)
            .OrderBy(s => s.Record.Channel).ThenBy(s => s.Record.Purpose)
            .Select(CurrentConsent.Of)
            .ToList();
        var history = records.Select(ConsentHistoryEntry.Of).ToList();
        return TypedResults.Ok(new ContactConsents(normalized, current, history));
    }

    internal static async Task<Results<Created<RecordedConsent>, Ok<RecordedConsent>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request,
        ConsentDbContext db,
        ConsentLedger ledger,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [$"is not valid JSON: {ex.Message}"] });
        }

        if (body is not JsonObject fields)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["must be a JSON object"] });
        }

        var idempotencyKey = request.Headers[IdempotencyKeyHeader].ToString().Trim();
        if (idempotencyKey.Length > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [IdempotencyKeyHeader] = ["must be at most 200 characters"] });
        }

        var result = ConsentInputs.Read(fields);
        if (result.Input is not { } input)
        {
            return TypedResults.ValidationProblem(result.Errors, title: "The consent is invalid; nothing was recorded.");
        }

        var keyName = request.HttpContext.GetCaller().Name;
        var now = time.GetUtcNow();
        var record = input.ToRecord(input.ClinicId, $"api:{keyName}",
            idempotencyKey.Length == 0 ? null : $"api:{keyName}|{idempotencyKey}", keyName, now);

        LedgerAppendResult outcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                outcome = await ledger.AppendAsync(record, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Idempotency-Key already used",
                    detail: $"This {IdempotencyKeyHeader} was used for another consent by the same key. Use a new key for a new change.");
            }
        }

        var location = $"/api/v1/consents?contact={Uri.EscapeDataString(record.Contact)}";
        if (outcome.Appended.Count == 0)
        {
            var stored = outcome.Duplicates.Single();
            if (stored.Contact != record.Contact || stored.Channel != record.Channel || stored.Purpose != record.Purpose ||
                stored.Granted != record.Granted || stored.Method != record.Method)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Idempotency-Key already used",
                    detail: $"This {IdempotencyKeyHeader} was used for another consent by the same key (record {stored.Id}). Use a new key for a new change.");
            }

            var states = await db.ConsentRecords.AsNoTracking()
                .Where(r => r.Contact == stored.Contact && r.Channel == stored.Channel && r.Purpose == stored.Purpose)
                .ToListAsync(cancellationToken);
            return TypedResults.Ok(RecordedConsent.Of(stored, ConsentState.Current(states).Single(), duplicate: true));
        }

        LogRecorded(loggers.CreateLogger(typeof(ConsentApi)), record.Id, ContactNormalizer.Mask(record.Contact), record.Channel, record.Purpose, record.Granted, record.Effective, keyName);
        return TypedResults.Created(location, RecordedConsent.Of(record, outcome.StateOf(record), duplicate: false));
    }

    internal static ValidationProblem InvalidContact() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]>
        {
            ["contact"] = ["must be a phone number (any common format, e.g. 8 (916) 123-45-67 or +79161234567), an email address, or a MAX user id (digits)"],
        });

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Consent record {RecordId} for {Contact} {Channel}/{Purpose} granted={Granted} effective={Effective} recorded through the API by {KeyName}")]
    private static partial void LogRecorded(ILogger logger, long recordId, string contact, string channel, string purpose, bool granted, bool effective, string keyName);
}

public sealed record ContactConsents(string Contact, IReadOnlyList<CurrentConsent> Current, IReadOnlyList<ConsentHistoryEntry> History);

/// <param name="Sequence">The ledger's highest sequence for this channel and purpose, as the last ConsentChanged carried.</param>
/// <param name="Record">The id of the record that decides the state.</param>
public sealed record CurrentConsent(
    string Channel, string Purpose, bool Granted, string Method, DateTimeOffset CapturedAt, string? DocumentRef, long Sequence, long Record)
{
    public static CurrentConsent Of(ConsentState s) =>
        new(s.Record.Channel, s.Record.Purpose, s.Record.Granted, s.Record.Method, s.Record.CapturedAt, s.Record.DocumentRef, s.Sequence, s.Record.Id);
}

/// <param name="Sequence">The record's id in the ledger.</param>
/// <param name="Effective">False for a grant the re-grant rule refused: it never decides the state.</param>
public sealed record ConsentHistoryEntry(
    long Sequence,
    string Channel,
    string Purpose,
    bool Granted,
    string Method,
    string Source,
    string? DocumentRef,
    string? WordingVersion,
    DateTimeOffset CapturedAt,
    string? CapturedBy,
    DateTimeOffset RecordedAt,
    string? RecordedBy,
    string? ClinicId,
    string? PatientId,
    string? Evidence,
    Guid? RelatedMessageId,
    bool Effective,
    string? IneffectiveReason)
{
    public static ConsentHistoryEntry Of(ConsentRecord r) =>
        new(r.Id, r.Channel, r.Purpose, r.Granted, r.Method, r.Source, r.DocumentRef, r.WordingVersion, r.CapturedAt, r.CapturedBy,
            r.RecordedAt, r.RecordedBy, r.ClinicId, r.PatientId, r.Evidence, r.RelatedMessageId, r.Effective, r.IneffectiveReason);
}

/// <summary>The answer to a recorded consent: the record as the ledger assessed it, and the resulting state.</summary>
/// <param name="Duplicate">True when the Idempotency-Key was seen before: nothing new was recorded.</param>
public sealed record RecordedConsent(ConsentHistoryEntry Record, string Contact, CurrentConsent Current, bool Duplicate)
{
    public static RecordedConsent Of(ConsentRecord record, ConsentState state, bool duplicate) =>
        new(ConsentHistoryEntry.Of(record), record.Contact, CurrentConsent.Of(state), duplicate);
}
