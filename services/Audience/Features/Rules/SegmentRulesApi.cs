using System.Globalization;
using System.Text.Json;
using Comms.Audience.Features.Scoring;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comms.Audience.Features.Rules;

/// <summary>
/// <c>/api/v1/audience/clinics/{clinicId}/segment-rules</c>: where the segments' lines are drawn for the clinic's chain
/// (or the clinic, in no chain). <c>PUT</c> adds a revision (validated; <c>If-Match</c> with the revision's ETag guards
/// against a change made meanwhile), <c>DELETE</c> adds one that returns to the defaults, <c>…/revisions</c> lists them
/// all. A chain's rules are changed with an operator's key (or the key of a clinic that is the whole scope).
/// </summary>
public static class SegmentRulesApi
{
    public static RouteGroupBuilder MapSegmentRulesEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/clinics/{clinicId}/segment-rules", GetAsync).WithName("GetSegmentRules")
            .WithSummary("The segment rules the clinic's patients are segmented by: its chain's (or its own) latest revision, or the defaults");
        group.MapGet("/clinics/{clinicId}/segment-rules/revisions", RevisionsAsync).WithName("ListSegmentRulesRevisions")
            .WithSummary("Every revision of the segment rules, newest first, with who changed them and when");
        group.MapPut("/clinics/{clinicId}/segment-rules", PutAsync).WithName("PutSegmentRules")
            .WithSummary("Replaces the segment rules with a new revision")
            .Accepts<SegmentThresholds>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .DisableAntiforgery();
        group.MapDelete("/clinics/{clinicId}/segment-rules", DeleteAsync).WithName("ResetSegmentRules")
            .WithSummary("Returns the scope to the default segment rules (a new revision)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return group;
    }

    private static async Task<Ok<SegmentRulesView>> GetAsync(string clinicId, HttpContext http, SegmentRulesStore store, CancellationToken cancellationToken)
    {
        var view = await store.CurrentAsync(clinicId, cancellationToken);
        http.Response.Headers.ETag = ETag(view.Revision);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<IReadOnlyList<SegmentRulesView>>> RevisionsAsync(string clinicId, SegmentRulesStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.RevisionsAsync(clinicId, cancellationToken));

    private static async Task<Results<Ok<SegmentRulesView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string clinicId, HttpRequest request, SegmentRulesStore store, IOptionsMonitor<AudienceOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["segment rules (a JSON object) are required"] });
        }

        SegmentThresholds? rules;
        using (document)
        {
            try
            {
                rules = document.RootElement.Deserialize<SegmentThresholds>(SegmentRulesStore.Json);
            }
            catch (JsonException)
            {
                var shape = JsonShape.Check(document.RootElement, typeof(SegmentThresholds), SegmentRulesStore.Json);
                return TypedResults.ValidationProblem(
                    shape.Count > 0 ? new Dictionary<string, string[]>(shape) : new() { ["$"] = ["are not segment rules"] },
                    title: "The segment rules are invalid; nothing was changed.");
            }
        }

        if (rules is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["segment rules are required"] });
        }

        var errors = rules.Problems().GroupBy(p => Camel(p.Field)).ToDictionary(g => g.Key, g => g.Select(p => p.Reason).ToArray());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The segment rules are invalid; nothing was changed.");
        }

        return await ChangeAsync(clinicId, request, store, options, time, rules, cancellationToken);
    }

    private static async Task<Results<Ok<SegmentRulesView>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string clinicId, HttpRequest request, SegmentRulesStore store, IOptionsMonitor<AudienceOptions> options, TimeProvider time,
        CancellationToken cancellationToken) =>
        await ChangeAsync(clinicId, request, store, options, time, rules: null, cancellationToken);

    private static async Task<Results<Ok<SegmentRulesView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string clinicId, HttpRequest request, SegmentRulesStore store, IOptionsMonitor<AudienceOptions> options, TimeProvider time,
        SegmentThresholds? rules, CancellationToken cancellationToken)
    {
        var caller = request.HttpContext.GetCaller();
        var scope = options.CurrentValue.ScopeOf(clinicId);
        if (!scope.All(caller.MayActFor))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The chain's rules",
                detail: $"Clinic '{clinicId}' is in a chain ({string.Join(", ", scope)}); its segment rules are the chain's and are changed with an operator's key.");
        }

        int? expected = null;
        if (request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch)
        {
            if (!int.TryParse(ifMatch.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["If-Match"] = ["must be the ETag of a revision, such as \"3\""] });
            }

            expected = revision;
        }

        var (done, view) = await store.ChangeAsync(clinicId, rules, expected, caller.Name, time.GetUtcNow(), cancellationToken);
        request.HttpContext.Response.Headers.ETag = ETag(view.Revision);
        return done
            ? TypedResults.Ok(view)
            : TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The segment rules changed meanwhile",
                detail: $"If-Match was {request.Headers.IfMatch}, the rules are now at revision {view.Revision} ({ETag(view.Revision)}). Read them again and reapply your change.");
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string ETag(int revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";
}
