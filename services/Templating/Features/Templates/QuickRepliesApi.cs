using Comms.Contracts;
using Comms.ServiceDefaults.Access;
using Comms.Templating.Features.Models;
using Comms.Templating.Features.Rendering;
using Comms.Templating.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Comms.Templating.Features.Templates;

/// <summary>
/// <c>POST /api/v1/quick-replies</c> (an operator's key): the front desk's saved answers — every published template whose
/// key starts with <c>inbox.quick.</c> (the clinic's own text before the chain-wide one), rendered for the patient and
/// clinic the Inbox gives. Marketers author them in the UI like any template; the catalog names the shipped ones.
/// </summary>
public static class QuickRepliesApi
{
    public const string Prefix = "inbox.quick.";

    public static IEndpointRouteBuilder MapQuickRepliesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/quick-replies", ListAsync).RequireOperatorKey().AllowAnonymous().DisableAntiforgery().WithTags("Templates").WithName("ListQuickReplies")
            .WithSummary("The published quick replies (keys inbox.quick.*) of a clinic, rendered with the model given")
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<Results<Ok<QuickReply[]>, ValidationProblem>> ListAsync(QuickRepliesRequest request, TemplatingDbContext db, TemplateRenderer renderer, CancellationToken cancellationToken)
    {
        var channel = request.Channel ?? Channels.Sms;
        if (!Channels.All.Contains(channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["channel"] = [$"one of {string.Join(", ", Channels.All)}"] });
        }

        var clinic = string.IsNullOrWhiteSpace(request.ClinicId) ? null : request.ClinicId;
        var published = await db.Templates.AsNoTracking()
            .Where(t => t.Key.StartsWith(Prefix) && t.Channel == channel && t.Locale == "ru" && t.Status == TemplateStatuses.Published && (t.ClinicId == null || t.ClinicId == clinic))
            .ToListAsync(cancellationToken);
        var model = request.Model ?? [];
        var replies = published
            .GroupBy(t => t.Key)
            .Select(g => g.OrderBy(t => t.ClinicId is null ? 1 : 0).ThenByDescending(t => t.Version).First())
            .Select(t => (Template: t, Result: renderer.RenderStored(t.Body, model, t.Key)))
            .Where(r => r.Result.Succeeded && !string.IsNullOrWhiteSpace(r.Result.Text))
            .Select(r => new QuickReply(r.Template.Key, TemplateModels.For(r.Template.Key).Name ?? r.Template.Key[Prefix.Length..], r.Result.Text!.Trim()))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToArray();
        return TypedResults.Ok(replies);
    }
}

/// <param name="Model">Template variables as ComposeMessage carries them (the patient's name, the clinic's).</param>
public sealed record QuickRepliesRequest(string? ClinicId, string? Channel, Dictionary<string, string?>? Model);

public sealed record QuickReply(string Key, string Name, string Text);
