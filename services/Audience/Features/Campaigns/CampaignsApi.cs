using System.Globalization;
using System.Text.Json;
using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Scoring;
using Comms.Audience.Persistence;
using Comms.ServiceDefaults.Http;
using Comms.StaffAccounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Campaigns;

/// <summary>
/// <c>/api/v1/campaigns</c>, for staff signed in to Audience (the cookie of <c>/analytics/sign-in</c>): a marketer
/// creates and edits a draft; anyone of theirs previews it; a different person with the approver role approves and
/// launches it, pauses, resumes and stops it; the recipients, the results and a patient's campaigns are read back.
/// Every change names the revision it was made on (<c>If-Match</c>, optional): two people do not overwrite each other
/// unseen. Each person sees only campaigns of their clinics.
/// </summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization(AnalyticsSignIn.CampaignReaderPolicy);
        group.MapGet("/", ListAsync).WithName("ListCampaigns").WithSummary("The campaigns of the clinics the signed-in person sees, newest first");
        group.MapPost("/", CreateAsync).WithName("CreateCampaign").WithSummary("A new draft (a marketer)")
            .Accepts<CampaignDefinition>("application/json").ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).DisableAntiforgery();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetCampaign").WithSummary("The campaign, its definition and its audit log")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", EditAsync).WithName("EditCampaign").WithSummary("Replaces a draft's definition (a marketer)")
            .Accepts<CampaignDefinition>("application/json").ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).DisableAntiforgery();
        group.MapPost("/{id:guid}/preview", PreviewAsync).WithName("PreviewCampaign")
            .WithSummary("How many it reaches now: per channel, excluded and why, holdout, variants, cost, when it ends, a sample").DisableAntiforgery();
        group.MapPost("/{id:guid}/launch", LaunchAsync).WithName("LaunchCampaign")
            .WithSummary("Approves and launches a draft (an approver who did not make it): the recipients are frozen with their consent records")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict).DisableAntiforgery();
        group.MapPost("/{id:guid}/pause", (Guid id, HttpContext http, CampaignLifecycle lifecycle, CancellationToken ct) =>
            ActAsync(id, http, lifecycle, CampaignActions.Paused, ct)).WithName("PauseCampaign").WithSummary("Stops sending until resumed (an approver)").DisableAntiforgery();
        group.MapPost("/{id:guid}/resume", (Guid id, HttpContext http, CampaignLifecycle lifecycle, CancellationToken ct) =>
            ActAsync(id, http, lifecycle, CampaignActions.Resumed, ct)).WithName("ResumeCampaign").WithSummary("Sends again what is still planned (an approver)").DisableAntiforgery();
        group.MapPost("/{id:guid}/stop", (Guid id, HttpContext http, CampaignLifecycle lifecycle, CancellationToken ct) =>
            ActAsync(id, http, lifecycle, CampaignActions.Stopped, ct)).WithName("StopCampaign")
            .WithSummary("Ends it: nothing planned goes any more (an approver, or the marketer who made it)").DisableAntiforgery();
        group.MapGet("/{id:guid}/batches", BatchesAsync).WithName("ListJourneyBatches")
            .WithSummary("A journey's daily batches, newest first: each a campaign of its own (recipients, results, pause, stop)");
        group.MapGet("/{id:guid}/recipients", RecipientsAsync).WithName("ListCampaignRecipients")
            .WithSummary("The recipient list frozen at launch: group, state, reason, channel and the consent record each is written to under");
        group.MapGet("/{id:guid}/results", ResultsAsync).WithName("GetCampaignResults")
            .WithSummary("Per variant and the holdout: sent, delivered, opted out, replied, bookings and revenue attributed; the lift over the holdout");
        group.MapGet("/{id:guid}/results.csv", ResultsCsvAsync).WithName("GetCampaignResultsCsv").WithSummary("The results as a file for Excel");
        group.MapGet("/patients/{clinicId}/{patientId}", PatientAsync).WithName("GetPatientCampaigns")
            .WithSummary("The patient's campaigns: what each sent them or why it did not");
        return routes;
    }

    private static StaffUser Staff(this HttpContext http) =>
        http.User.Staff() ?? throw new InvalidOperationException("The endpoint requires a signed-in person.");

    private static async Task<Ok<IReadOnlyList<CampaignSummary>>> ListAsync(HttpContext http, AudienceDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await VisibleAsync(db, http.Staff(), cancellationToken));

    /// <summary>The campaigns and journeys of the person's clinics, newest first (a journey's batches: <paramref name="journey"/>).</summary>
    internal static async Task<IReadOnlyList<CampaignSummary>> VisibleAsync(AudienceDbContext db, StaffUser staff, CancellationToken cancellationToken, Guid? journey = null)
    {
        var campaigns = await (journey is { } parent
                ? db.Campaigns.AsNoTracking().Where(c => c.ParentId == parent).OrderByDescending(c => c.BatchDay)
                : db.Campaigns.AsNoTracking().Where(c => c.Kind != CampaignKinds.Batch).OrderByDescending(c => c.CreatedAt))
            .Take(1000).ToListAsync(cancellationToken);
        return [.. campaigns.Select(c => (Campaign: c, Plan: CampaignStore.Read(c)))
            .Where(x => x.Plan.ClinicIds!.All(staff.MaySee))
            .Select(x => new CampaignSummary(x.Campaign.Id, x.Campaign.Name, x.Campaign.Kind, x.Campaign.Status, x.Plan.ClinicIds!, x.Campaign.CreatedBy,
                x.Campaign.CreatedAt, x.Campaign.ApprovedBy, x.Campaign.LaunchedAt, x.Campaign.Revision, x.Campaign.BatchDay))];
    }

    private static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpRequest request, CampaignStore store, IOptionsMonitor<AudienceOptions> options, CancellationToken cancellationToken)
    {
        var staff = request.HttpContext.Staff();
        if (!staff.Is(StaffRoles.Marketer))
        {
            return Forbidden("Создавать рассылки может маркетолог", "Campaigns are made by a person with the role marketer.");
        }

        var (definition, problem) = await ReadAsync(request, options.CurrentValue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (definition!.ClinicIds!.FirstOrDefault(c => !staff.MaySee(c)) is { } foreign)
        {
            return Forbidden("Чужая клиника", $"Clinic '{foreign}' is not one of yours.");
        }

        var view = await store.CreateAsync(definition, staff.Name, cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETag(view.Revision);
        return TypedResults.Created($"/api/v1/campaigns/{view.Id}", view);
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, CampaignStore store, CancellationToken cancellationToken)
    {
        if (await store.VisibleViewAsync(id, http.Staff(), cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        http.Response.Headers.ETag = ETag(view.Revision);
        return TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> EditAsync(
        Guid id, HttpRequest request, CampaignStore store, IOptionsMonitor<AudienceOptions> options, CancellationToken cancellationToken)
    {
        var staff = request.HttpContext.Staff();
        if (!staff.Is(StaffRoles.Marketer))
        {
            return Forbidden("Изменять рассылки может маркетолог", "Campaigns are edited by a person with the role marketer.");
        }

        if (IfMatch(request, out var expected) is { } badHeader)
        {
            return badHeader;
        }

        var (definition, problem) = await ReadAsync(request, options.CurrentValue, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (definition!.ClinicIds!.FirstOrDefault(c => !staff.MaySee(c)) is { } foreign)
        {
            return Forbidden("Чужая клиника", $"Clinic '{foreign}' is not one of yours.");
        }

        var outcome = await store.EditAsync(id, definition, expected, staff, cancellationToken);
        if (outcome.View is { } view)
        {
            request.HttpContext.Response.Headers.ETag = ETag(view.Revision);
        }

        return outcome.Problem is { } refused ? refused : TypedResults.Ok(outcome.View!);
    }

    private static async Task<Results<Ok<CampaignPreview>, ProblemHttpResult>> PreviewAsync(
        Guid id, HttpContext http, CampaignLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.PreviewAsync(id, http.Staff(), cancellationToken);
        return outcome.Problem is { } problem ? problem : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult, ValidationProblem>> LaunchAsync(
        Guid id, HttpContext http, CampaignLifecycle lifecycle, CancellationToken cancellationToken)
    {
        if (IfMatch(http.Request, out var expected) is { } badHeader)
        {
            return badHeader;
        }

        var outcome = await lifecycle.LaunchAsync(id, http.Staff(), expected, cancellationToken);
        return outcome.Problem is { } problem ? problem : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult, ValidationProblem>> ActAsync(
        Guid id, HttpContext http, CampaignLifecycle lifecycle, string action, CancellationToken cancellationToken)
    {
        if (IfMatch(http.Request, out var expected) is { } badHeader)
        {
            return badHeader;
        }

        var outcome = await lifecycle.ActAsync(id, http.Staff(), action, expected, cancellationToken);
        return outcome.Problem is { } problem ? problem : TypedResults.Ok(outcome.Value!);
    }

    private static async Task<Results<Ok<IReadOnlyList<CampaignSummary>>, ProblemHttpResult>> BatchesAsync(
        Guid id, HttpContext http, AudienceDbContext db, CampaignStore store, CancellationToken cancellationToken)
    {
        if (await store.VisibleViewAsync(id, http.Staff(), cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await VisibleAsync(db, http.Staff(), cancellationToken, journey: id));
    }

    private static async Task<Results<Ok<RecipientsPage>, ProblemHttpResult, ValidationProblem>> RecipientsAsync(
        Guid id, string? state, string? group, int? page, HttpContext http, AudienceDbContext db, CampaignStore store, CancellationToken cancellationToken)
    {
        if (await store.VisibleViewAsync(id, http.Staff(), cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        var number = page ?? 1;
        if (number < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["с 1"] });
        }

        const int size = 500;
        var query = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id);
        if (state is not null)
        {
            query = query.Where(r => r.State == state);
        }

        if (group is not null)
        {
            query = query.Where(r => r.Group == group);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(r => r.DueAt).ThenBy(r => r.ClinicId).ThenBy(r => r.PatientId)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RecipientsPage(total, number, size, [.. rows.Select(RecipientView.Of)]));
    }

    private static async Task<Results<Ok<CampaignResults>, ProblemHttpResult>> ResultsAsync(
        Guid id, HttpContext http, CampaignStore store, CampaignResultsReader results, CancellationToken cancellationToken)
    {
        if (await store.VisibleViewAsync(id, http.Staff(), cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        return TypedResults.Ok(await results.ReadAsync(id, view.Definition.Plan(), cancellationToken));
    }

    private static async Task<IResult> ResultsCsvAsync(
        Guid id, HttpContext http, CampaignStore store, CampaignResultsReader results, CancellationToken cancellationToken)
    {
        if (await store.VisibleViewAsync(id, http.Staff(), cancellationToken) is not { } view)
        {
            return NotFound(id);
        }

        var figures = await results.ReadAsync(id, view.Definition.Plan(), cancellationToken);
        return TypedResults.File(CampaignResultsReader.Csv(view.Name, figures), "text/csv; charset=utf-8", $"campaign-{id:N}-results.csv");
    }

    private static async Task<Results<Ok<IReadOnlyList<PatientCampaign>>, ProblemHttpResult>> PatientAsync(
        string clinicId, string patientId, HttpContext http, AudienceDbContext db, CancellationToken cancellationToken)
    {
        if (!http.Staff().MaySee(clinicId))
        {
            return Forbidden("Чужая клиника", $"Clinic '{clinicId}' is not one of yours.");
        }

        var rows = await (from r in db.CampaignRecipients.AsNoTracking()
                          join c in db.Campaigns.AsNoTracking() on r.CampaignId equals c.Id
                          where r.ClinicId == clinicId && r.PatientId == patientId
                          orderby r.DueAt descending
                          select new { r, c.Name, c.Status }).Take(500).ToListAsync(cancellationToken);
        IReadOnlyList<PatientCampaign> answer = [.. rows.Select(x => new PatientCampaign(x.r.CampaignId, x.Name, x.Status, RecipientView.Of(x.r)))];
        return TypedResults.Ok(answer);
    }

    private static async Task<(CampaignDefinition? Definition, ValidationProblem? Problem)> ReadAsync(
        HttpRequest request, AudienceOptions options, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["нужно описание рассылки: объект JSON"] }));
        }

        using (document)
        {
            CampaignDefinition? definition;
            try
            {
                definition = document.RootElement.Deserialize<CampaignDefinition>(CampaignDefinition.Json);
            }
            catch (JsonException)
            {
                var shape = JsonShape.Check(document.RootElement, typeof(CampaignDefinition), CampaignDefinition.Json);
                return (null, TypedResults.ValidationProblem(
                    shape.Count > 0 ? new Dictionary<string, string[]>(shape) : new() { ["$"] = ["это не описание рассылки"] },
                    title: "Рассылка описана с ошибками; ничего не сохранено."));
            }

            if (definition is null)
            {
                return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["нужно описание рассылки"] }));
            }

            var errors = definition.Problems(options).GroupBy(p => p.Field).ToDictionary(g => g.Key, g => g.Select(p => p.Reason).ToArray());
            return errors.Count > 0
                ? (null, TypedResults.ValidationProblem(errors, title: "Рассылка описана с ошибками; ничего не сохранено."))
                : (definition, null);
        }
    }

    private static ValidationProblem? IfMatch(HttpRequest request, out int? expected)
    {
        expected = null;
        if (request.Headers.IfMatch.ToString() is not { Length: > 0 } ifMatch)
        {
            return null;
        }

        if (!int.TryParse(ifMatch.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["If-Match"] = ["ETag рассылки, например \"3\""] });
        }

        expected = revision;
        return null;
    }

    internal static ProblemHttpResult Forbidden(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);

    internal static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Нет такой рассылки", detail: $"No campaign {id} among those you see.");

    internal static string ETag(int revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <param name="Kind"><c>campaign</c>, <c>journey</c> or <c>batch</c> (one day of a journey).</param>
public sealed record CampaignSummary(
    Guid Id, string Name, string Kind, string Status, IReadOnlyList<string> ClinicIds, string CreatedBy, DateTimeOffset CreatedAt, string? ApprovedBy,
    DateTimeOffset? LaunchedAt, int Revision, DateOnly? BatchDay);

/// <param name="ParentId">The journey of a batch.</param>
/// <param name="BatchDay">The day a batch is for.</param>
public sealed record CampaignView(
    Guid Id, string Name, string Kind, Guid? ParentId, DateOnly? BatchDay, string Status, CampaignDefinition Definition, string CreatedBy, DateTimeOffset CreatedAt, string? ApprovedBy,
    DateTimeOffset? ApprovedAt, DateTimeOffset? LaunchedAt, DateTimeOffset UpdatedAt, int Revision, IReadOnlyDictionary<string, int> Recipients,
    IReadOnlyList<AuditView> Audit);

public sealed record AuditView(DateTimeOffset At, string Actor, string Action, string? Detail);

public sealed record RecipientsPage(int Total, int Page, int PageSize, IReadOnlyList<RecipientView> Recipients);

/// <param name="ReasonText">The reason in Russian.</param>
public sealed record RecipientView(
    string ClinicId, string PatientId, string Group, string State, string? Reason, string? ReasonText, string? Channel, long? ConsentSequence,
    DateTimeOffset? ConsentChangedAt, Guid MessageId, DateTimeOffset DueAt, DateTimeOffset? SentAt)
{
    public static RecipientView Of(CampaignRecipient r) => new(
        r.ClinicId, r.PatientId, r.Group, r.State, r.Reason, r.Reason is null ? null : ExclusionReasons.Title(r.Reason), r.Channel, r.ConsentSequence,
        r.ConsentChangedAt, r.MessageId, r.DueAt, r.SentAt);
}

public sealed record PatientCampaign(Guid CampaignId, string Name, string Status, RecipientView Recipient);

/// <summary>A result, or the problem that refused it.</summary>
public sealed record Outcome<T>(T? Value, ProblemHttpResult? Problem)
{
    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Refused(int status, string title, string detail) =>
        new(default, TypedResults.Problem(statusCode: status, title: title, detail: detail));
}
