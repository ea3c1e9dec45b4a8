using Comms.Gateway.Max.Features.Sending;
using Comms.Gateway.Max.Persistence;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comms.Gateway.Max.Features.Linking;

/// <summary>
/// Personal links for patients (the clinic sends one by SMS or email, or shows it as a QR code at the front desk), and
/// the linked accounts for operators.
/// </summary>
public static class MaxLinksApi
{
    public sealed record CreateLink(string? ClinicId, string? PatientId);

    public sealed record LinkIssued(Guid LinkId, string Link, DateTimeOffset ExpiresAt);

    /// <param name="UserId">The MAX user id, masked.</param>
    public sealed record LinkView(string ClinicId, string PatientId, string UserId, DateTimeOffset LinkedAt, Guid LinkId);

    public static IHostApplicationBuilder AddMaxLinking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LinkTokens>();
        builder.Services.AddScoped<MaxLinker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapMaxLinksApi(this IEndpointRouteBuilder routes)
    {
        // A clinic's own MIS key (Mis:Clinics) for its own patients, or an operator key: a link issued to anyone else
        // would let them receive that patient's reminders.
        var api = routes.MapGroup("/api/v1/max/links").WithTags("MAX links").RequireApiKey();
        api.MapPost("/", CreateAsync).WithSummary("A personal deep link for a patient: opening it links their MAX account");
        api.MapGet("/{clinicId}/{patientId}", GetAsync).WithSummary("The MAX account linked for a patient");
        api.MapDelete("/{clinicId}/{patientId}", DeleteAsync).WithSummary("Forgets a patient's MAX account: nothing more goes to it");
        return routes;
    }

    internal static async Task<Results<Created<LinkIssued>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateLink body, HttpContext http, MaxDbContext db, LinkTokens tokens, IOptions<MaxOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (string.IsNullOrWhiteSpace(body.ClinicId) && caller.ClinicId is { } own)
        {
            body = body with { ClinicId = own };
        }
        else if (!caller.MayActFor(body.ClinicId?.Trim()))
        {
            return ApiKeys.AnotherClinic(caller, body.ClinicId);
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.ClinicId) || body.ClinicId.Length > 200)
        {
            errors["clinicId"] = ["is required (at most 200 characters)"];
        }

        if (string.IsNullOrWhiteSpace(body.PatientId) || body.PatientId.Length > 200)
        {
            errors["patientId"] = ["is required (at most 200 characters)"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = time.GetUtcNow();
        var settings = options.Value;
        var request = new LinkRequest
        {
            LinkId = Guid.NewGuid(),
            ClinicId = body.ClinicId!.Trim(),
            PatientId = body.PatientId!.Trim(),
            CreatedAt = now,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds((now + settings.LinkLifetime).ToUnixTimeSeconds()),
        };
        db.LinkRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);

        var link = $"{settings.LinkBaseUrl.TrimEnd('/')}/{settings.BotName}?start={tokens.Issue(request.LinkId, request.ExpiresAt)}";
        return TypedResults.Created($"/api/v1/max/links/{Uri.EscapeDataString(request.ClinicId)}/{Uri.EscapeDataString(request.PatientId)}",
            new LinkIssued(request.LinkId, link, request.ExpiresAt));
    }

    internal static async Task<Results<Ok<LinkView>, ProblemHttpResult>> GetAsync(
        string clinicId, string patientId, MaxDbContext db, CancellationToken cancellationToken)
    {
        var link = await db.Links.AsNoTracking().SingleOrDefaultAsync(l => l.ClinicId == clinicId && l.PatientId == patientId, cancellationToken);
        return link is null
            ? NotLinked(clinicId, patientId)
            : TypedResults.Ok(new LinkView(link.ClinicId, link.PatientId, ContactNormalizer.Mask(link.UserId), link.LinkedAt, link.LinkId));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string clinicId, string patientId, MaxDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.Links.Where(l => l.ClinicId == clinicId && l.PatientId == patientId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? NotLinked(clinicId, patientId) : TypedResults.NoContent();
    }

    private static ProblemHttpResult NotLinked(string clinicId, string patientId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No MAX account linked",
            detail: $"Patient {patientId} of clinic {clinicId} has not linked a MAX account.");
}
