using System.Globalization;
using System.Text.Json;
using Comms.Scheduling.Features.Reminders;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Rules;

/// <summary>
/// <c>/api/v1/clinics/{clinicId}/reminder-rules</c>: a clinic's reminder rules. A change applies at once to every booked
/// future appointment of the clinic (see <see cref="AppointmentPlanner.ReplanClinicAsync"/>), in the same transaction.
/// Behind the clinic's MIS key or an operator key.
/// </summary>
public static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/clinics/{clinicId}/reminder-rules")
            .WithTags("Reminder rules")
            .RequireApiKey()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/", GetRules).WithSummary("The clinic's rules: its own, or the defaults it uses");
        group.MapPut("/", PutRules)
            .WithSummary("Replaces the clinic's rules and replans its booked future appointments")
            .Accepts<ClinicRules>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .DisableAntiforgery();
        group.MapDelete("/", DeleteRules).WithSummary("Returns the clinic to the default rules and replans its booked future appointments");
        return routes;
    }

    /// <summary>The rules a clinic uses; <see cref="Source"/> says whether they are its own or the defaults.</summary>
    public sealed record RulesView(
        string ClinicId, string Source, int Revision, DateTimeOffset? UpdatedAt, string? UpdatedBy, ClinicRules Rules, int? ReplannedAppointments = null);

    internal static async Task<Ok<RulesView>> GetRules(
        string clinicId, HttpContext http, SchedulingDbContext db, IOptionsMonitor<ReminderOptions> options, CancellationToken cancellationToken)
    {
        var stored = await db.ClinicRules.AsNoTracking().SingleOrDefaultAsync(r => r.ClinicId == clinicId, cancellationToken);
        var view = View(clinicId, stored, options.CurrentValue.Defaults);
        http.Response.Headers.ETag = ETag(view.Revision);
        return TypedResults.Ok(view);
    }

    internal static async Task<Results<Ok<RulesView>, ValidationProblem, ProblemHttpResult>> PutRules(
        string clinicId,
        HttpRequest request,
        SchedulingDbContext db,
        AppointmentPlanner planner,
        TimeProvider time,
        IOptionsMonitor<ReminderOptions> options,
        CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["a rules document (a JSON object) is required"] });
        }

        ClinicRules? rules;
        using (document)
        {
            try
            {
                rules = document.RootElement.Deserialize<ClinicRules>(ClinicRulesStore.Json);
            }
            catch (JsonException)
            {
                // The serializer stops at the first field that does not fit: name them all.
                var shape = JsonShape.Check(document.RootElement, typeof(ClinicRules), ClinicRulesStore.Json);
                return TypedResults.ValidationProblem(
                    shape.Count > 0 ? new Dictionary<string, string[]>(shape) : new() { ["$"] = ["is not a rules document"] },
                    title: "The rules are invalid; nothing was changed.");
            }
        }

        if (rules is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["a rules document is required"] });
        }

        var errors = rules.Validate().GroupBy(e => e.JsonPath).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The rules are invalid; nothing was changed.");
        }

        return await ChangeAsync(clinicId, request, db, planner, time, rules, options.CurrentValue.Defaults, cancellationToken);
    }

    internal static async Task<Results<Ok<RulesView>, ValidationProblem, ProblemHttpResult>> DeleteRules(
        string clinicId, HttpRequest request, SchedulingDbContext db, AppointmentPlanner planner, TimeProvider time,
        IOptionsMonitor<ReminderOptions> options, CancellationToken cancellationToken) =>
        await ChangeAsync(clinicId, request, db, planner, time, rules: null, options.CurrentValue.Defaults, cancellationToken);

    /// <summary>Stores (or with null removes) the clinic's rules and replans its appointments, all in one transaction.</summary>
    private static async Task<Results<Ok<RulesView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string clinicId, HttpRequest request, SchedulingDbContext db, AppointmentPlanner planner, TimeProvider time, ClinicRules? rules,
        ClinicRules defaults, CancellationToken cancellationToken)
    {
        var caller = request.HttpContext.GetCaller();
        for (var attempt = 1; ; attempt++)
        {
            var stored = await db.ClinicRules.SingleOrDefaultAsync(r => r.ClinicId == clinicId, cancellationToken);
            var revision = stored?.Revision ?? 0;
            if (request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch && ifMatch != ETag(revision))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status412PreconditionFailed,
                    title: "The rules changed meanwhile",
                    detail: $"If-Match was {ifMatch}, the rules are now at revision {revision} ({ETag(revision)}). Read them again and reapply your change.");
            }

            if (rules is not null)
            {
                stored ??= db.ClinicRules.Add(new StoredClinicRules { ClinicId = clinicId, Document = "", UpdatedBy = caller.Name }).Entity;
                stored.Document = ClinicRulesStore.Write(rules);
                stored.Revision = revision + 1;
                stored.UpdatedAt = time.GetUtcNow();
                stored.UpdatedBy = caller.Name;
            }
            else if (stored is not null)
            {
                db.ClinicRules.Remove(stored);
                stored = null;
            }

            var replanned = await planner.ReplanClinicAsync(clinicId, rules ?? defaults, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another change, or the dispatcher sending one of these sends, got there first: start again from what is stored.
                db.ChangeTracker.Clear();
                continue;
            }

            var view = View(clinicId, stored, defaults) with { ReplannedAppointments = replanned };
            request.HttpContext.Response.Headers.ETag = ETag(view.Revision);
            return TypedResults.Ok(view);
        }
    }

    private static RulesView View(string clinicId, StoredClinicRules? stored, ClinicRules defaults) => stored is null
        ? new RulesView(clinicId, "defaults", 0, null, null, defaults)
        : new RulesView(clinicId, "clinic", stored.Revision, stored.UpdatedAt, stored.UpdatedBy, ClinicRulesStore.Read(stored.Document));

    private static string ETag(int revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";
}
