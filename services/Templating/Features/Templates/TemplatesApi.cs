using Comms.Templating.Features.Rendering;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static Results<Ok<PreviewResponse>, ValidationProblem> Preview(PreviewRequest request, TemplateRenderer renderer)
    {
        if (string.IsNullOrWhiteSpace(request.Body))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["is required"] });
        }

        if (request.Body.Length > MaxBodyLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"must be at most {MaxBodyLength} characters"] });
        }

        var result = renderer.Render(request.Body, request.Model ?? new Dictionary<string, string?>());
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["body"] = [result.Error!] },
                title: "The template cannot be rendered");
        }

        var segments = SmsSegments.Count(result.Text!);
        return TypedResults.Ok(new PreviewResponse(result.Text!, segments.Segments, segments.Encoding, segments.Units));
    }
}

/// <param name="Model">Variables as dotted paths, as ComposeMessage carries them: {"patient.firstName": "Анна"}.</param>
public sealed record PreviewRequest(string? Body, Dictionary<string, string?>? Model);

/// <param name="Segments">SMS parts the text takes; <paramref name="Units"/> are septets (gsm7) or UTF-16 units (ucs2).</param>
public sealed record PreviewResponse(string Text, int Segments, string Encoding, int Units);
