using Comms.Contracts;
using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comms.Templating.Features.Templates;

/// <summary>Preview a template text. Reading and authoring templates: Features/Authoring.</summary>
public static class TemplatesApi
{
    public const int MaxBodyLength = 10_000;

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        // Any signed-in user may preview (viewers too): it changes nothing.
        var group = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization();
        group.MapPost("/preview", Preview).WithName("PreviewTemplate");
        return app;
    }

    /// <summary>
    /// Renders a body as a template of <c>key</c> (strictly: a name outside its model is an error with its place) with
    /// the given model or the key's sample one, and for SMS tells the parts, the encoding and what they cost.
    /// </summary>
    private static Results<Ok<PreviewResponse>, ValidationProblem> Preview(
        PreviewRequest request, TemplateRenderer renderer, IOptions<SmsEconomicsOptions> sms)
    {
        if (string.IsNullOrWhiteSpace(request.Body))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["is required"] });
        }

        if (request.Body.Length > MaxBodyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"must be at most {MaxBodyLength} characters"] });
        }

        var channel = string.IsNullOrWhiteSpace(request.Channel) ? Channels.Sms : request.Channel;
        if (!Channels.All.Contains(channel))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["channel"] = [$"must be one of {string.Join(", ", Channels.All)}"] });
        }

        var model = request.Model ?? TemplateModels.For(request.Key).Sample;
        var result = renderer.Render(request.Body, model, request.Key);
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = [result.Error!] },
                title: "The template cannot be rendered");
        }

        if (channel != Channels.Sms)
        {
            return TypedResults.Ok(new PreviewResponse(result.Text!, null, null, null, null, null, [], null));
        }

        var estimate = SmsEconomics.Estimate(result.Text!, sms.Value);
        return TypedResults.Ok(new PreviewResponse(
            result.Text!, estimate.Segments, estimate.Encoding, estimate.Units, estimate.Cost, estimate.Currency,
            estimate.ForcingCharacters, estimate.Warning));
    }
}

/// <param name="Model">Variables as dotted paths, as ComposeMessage carries them: {"patient.firstName": "Анна"}; omitted → the key's sample model.</param>
/// <param name="Key">The template key ("appointment.reminder"): whose variables the body may use.</param>
/// <param name="Channel">sms (default), whatsapp, email or max; SMS parts and cost are given for sms only.</param>
public sealed record PreviewRequest(string? Body, Dictionary<string, string?>? Model, string? Key = null, string? Channel = null);

/// <param name="Segments">SMS parts the text takes; <paramref name="Units"/> are septets (gsm7) or UTF-16 units (ucs2).</param>
/// <param name="Cost">Segments × Templating:Sms:PricePerSegment; null when no price is configured or the channel is not sms.</param>
/// <param name="ForcingCharacters">The characters that made the text UCS-2 (70 per SMS instead of 160).</param>
/// <param name="Warning">Set when the text takes more than Templating:Sms:WarnAboveSegments parts.</param>
public sealed record PreviewResponse(
    string Text, int? Segments, string? Encoding, int? Units, decimal? Cost, string? Currency,
    IReadOnlyList<string> ForcingCharacters, string? Warning);
