using System.Text.Json;
using Comms.Contracts.Mis;
using Comms.Scheduling.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.MisEvents;

/// <summary>
/// <c>POST /api/v1/mis/events</c>: the HTTP door for MIS events. A valid event is written to the outbox and relayed
/// to the <c>mis.events</c> exchange, so HTTP and AMQP events take one path from there on; 202 means "durably
/// accepted". Nothing invalid gets in: the answer names every bad field.
/// </summary>
public static class MisEventsApi
{
    private const string SingleContentType = "application/cloudevents+json";
    private const string BatchContentType = "application/cloudevents-batch+json";

    public static IEndpointRouteBuilder MapMisEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/v1/mis/events", PostEvents)
            .WithTags("MIS")
            .WithSummary("Accepts one MIS CloudEvent, or a batch (application/cloudevents-batch+json)")
            .Accepts<JsonElement>(SingleContentType, "application/json", BatchContentType)
            .Produces<AcceptedEvents>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        return routes;
    }

    public sealed record AcceptedEvents(IReadOnlyList<string> Accepted);

    internal static async Task<Results<Accepted<AcceptedEvents>, ValidationProblem, ProblemHttpResult>> PostEvents(
        HttpRequest request,
        SchedulingDbContext db,
        TimeProvider time,
        IOptionsMonitor<MisOptions> options,
        CancellationToken cancellationToken)
    {
        // Only a clinic's own key posts its events: the MIS is the source of truth for its appointments.
        if (ApiKeys.Identify(request) is not { ClinicId: { } clinicId })
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or unknown API key",
                detail: $"Send the clinic's key (Mis:Clinics) in the {ApiKeys.Header} header.");
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var isBatch = mediaType == BatchContentType;
        if (!isBatch && mediaType is not (SingleContentType or "application/json"))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"Use {SingleContentType} (or application/json) for one event, {BatchContentType} for a batch.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [$"is not valid JSON: {ex.Message}"] });
        }

        using (document)
        {
            var root = document.RootElement;
            List<JsonElement> items;
            if (isBatch)
            {
                if (root.ValueKind != JsonValueKind.Array)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["a batch must be a JSON array of CloudEvents"] });
                }

                items = [.. root.EnumerateArray()];
                if (items.Count == 0 || items.Count > options.CurrentValue.MaxBatchSize)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["$"] = [$"a batch holds 1 to {options.CurrentValue.MaxBatchSize} events; this one has {items.Count}"],
                    });
                }
            }
            else
            {
                items = [root];
            }

            var errors = new Dictionary<string, string[]>();
            var events = new List<(MisEvent Event, JsonElement Json)>();
            for (var i = 0; i < items.Count; i++)
            {
                var result = MisEventReader.Read(items[i], isBatch ? $"[{i}]." : "");
                foreach (var error in result.Errors)
                {
                    errors[error.Key] = error.Value;
                }

                if (result.Event is { } valid)
                {
                    events.Add((valid, items[i]));
                }
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "One or more MIS events are invalid; none was accepted.");
            }

            var foreign = events.Select(e => ClinicOf(e.Event)).Where(c => c != clinicId).Distinct().ToList();
            if (foreign.Count > 0)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Event for another clinic",
                    detail: $"This API key belongs to clinic '{clinicId}'; the request has events of clinic(s) {string.Join(", ", foreign.Select(c => $"'{c}'"))}. Nothing was accepted.");
            }

            foreach (var (misEvent, json) in events)
            {
                db.PublishCloudEvent(MessagingExtensions.MisEventsExchange, misEvent.Type, json.GetRawText(), time);
            }

            await db.SaveChangesAsync(cancellationToken);
            return TypedResults.Accepted((string?)null, new AcceptedEvents([.. events.Select(e => e.Event.Id)]));
        }
    }

    private static string ClinicOf(MisEvent misEvent) => misEvent.Data switch
    {
        AppointmentData a => a.Clinic.ClinicId,
        AppointmentClosedData c => c.Clinic.ClinicId,
        PatientUpdatedData p => p.ClinicId,
        ConsentChangedData c => c.ClinicId,
        WaitlistAddedData w => w.Clinic.ClinicId,
        WaitlistRemovedData w => w.Clinic.ClinicId,
        SlotFreedData s => s.Clinic.ClinicId,
        _ => "",
    };
}
