using Comms.Contracts;
using Comms.ServiceDefaults.Access;
using Comms.Templating.Features.Compose;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comms.Templating.Features.Templates;

/// <summary>
/// <c>POST /api/v1/render</c> (an operator's key): the published template of a key for a channel and clinic,
/// rendered with each model given exactly as a send would render it — the clinic's own text before the chain-wide one,
/// strict variables, the opt-out line of a marketing SMS or MAX text — with each SMS text's parts and cost. Audience's
/// campaign preview asks it for its sample and its cost. Nothing is sent or stored.
/// </summary>
public static class RenderApi
{
    public const int MaxModels = 50;

    public static IEndpointRouteBuilder MapRenderApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/render", RenderAsync).RequireOperatorKey().AllowAnonymous().DisableAntiforgery().WithTags("Templates").WithName("RenderPublished")
            .WithSummary("Renders the published template for each model, as a send would, with the SMS parts and cost")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<RenderAnswer>, ValidationProblem, ProblemHttpResult>> RenderAsync(
        RenderRequest request, TemplatingDbContext db, TemplateRenderer renderer, IOptions<SmsEconomicsOptions> sms, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.TemplateKey))
        {
            errors["templateKey"] = ["is required"];
        }

        if (request.Channel is not { } channel || !Channels.All.Contains(channel))
        {
            errors["channel"] = [$"one of {string.Join(", ", Channels.All)}"];
        }

        if (request.Purpose is { } purpose && !Purposes.All.Contains(purpose))
        {
            errors["purpose"] = [$"one of {string.Join(", ", Purposes.All)}"];
        }

        if (request.Models is not { Count: > 0 and <= MaxModels })
        {
            errors["models"] = [$"1 to {MaxModels} models"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var template = await PublishedTemplates.FindAsync(db, request.TemplateKey!, request.Channel!, request.Locale, request.ClinicId, cancellationToken);
        if (template is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No published template",
                detail: $"No published template '{request.TemplateKey}' for {request.Channel}/{request.Locale ?? ComposeMessageConsumer.DefaultLocale} of clinic '{request.ClinicId}' or the chain.");
        }

        var renders = new List<Rendered>(request.Models!.Count);
        foreach (var model in request.Models!)
        {
            var result = renderer.RenderStored(template.Body, model, template.Key);
            if (!result.Succeeded || string.IsNullOrWhiteSpace(result.Text))
            {
                renders.Add(new Rendered(null, result.Succeeded ? "the text renders empty" : result.Error, null, null));
                continue;
            }

            var text = ComposeMessageConsumer.WithOptOut(result.Text, request.Purpose ?? Purposes.Service, template.Channel);
            var estimate = template.Channel == Channels.Sms ? SmsEconomics.Estimate(text, sms.Value) : null;
            renders.Add(new Rendered(text, null, estimate?.Segments, estimate?.Cost));
        }

        return TypedResults.Ok(new RenderAnswer(template.Key, template.Channel, template.Locale, template.ClinicId, template.Version,
            sms.Value.PricePerSegment, sms.Value.Currency, renders));
    }
}

/// <param name="Models">Template variables as ComposeMessage carries them ("patient.firstName" → "Анна").</param>
public sealed record RenderRequest(
    string? TemplateKey, string? Channel, string? ClinicId, string? Locale, string? Purpose, IReadOnlyList<Dictionary<string, string?>>? Models);

/// <param name="ClinicId">The clinic whose own text it is; null for the chain-wide one.</param>
/// <param name="PricePerSegment">Templating:Sms:PricePerSegment; null when not configured (no cost).</param>
public sealed record RenderAnswer(
    string TemplateKey, string Channel, string Locale, string? ClinicId, int Version, decimal? PricePerSegment, string Currency, IReadOnlyList<Rendered> Renders);

/// <param name="Error">Why this model does not render (a variable it lacks); the text is null then.</param>
/// <param name="Segments">SMS parts; null on other channels.</param>
public sealed record Rendered(string? Text, string? Error, int? Segments, decimal? Cost);
