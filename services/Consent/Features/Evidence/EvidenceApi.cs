using Comms.ServiceDefaults.Access;
using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.ServiceDefaults.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comms.Consent.Features.Evidence;

/// <summary><c>GET /api/v1/consents/evidence?contact=…[&amp;format=html]</c>: the evidence export for one contact.</summary>
public static partial class EvidenceApi
{
    public static RouteGroupBuilder MapEvidenceEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/evidence", GetAsync).WithName("ExportConsentEvidence")
            .WithSummary("Evidence for one contact: every consent record and every message sent (JSON, or format=html to print)")
            .Produces<ConsentEvidence>(contentType: "application/json")
            .Produces<string>(contentType: "text/html")
            .ProducesValidationProblem();
        return group;
    }

    internal static async Task<Results<Ok<ConsentEvidence>, ContentHttpResult, ValidationProblem>> GetAsync(
        string? contact,
        string? format,
        HttpContext http,
        ConsentDbContext db,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var html = string.Equals(format, "html", StringComparison.OrdinalIgnoreCase);
        if (!html && format is not null && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["must be json (the default) or html"] });
        }

        if (!ContactNormalizer.TryNormalize(contact, out var normalized))
        {
            return ConsentApi.InvalidContact();
        }

        var keyName = http.GetCaller().Name;
        var evidence = await ConsentEvidence.BuildAsync(db, normalized, keyName, time.GetUtcNow(), cancellationToken);
        LogExported(loggers.CreateLogger(typeof(EvidenceApi)), ContactNormalizer.Mask(normalized), keyName, html ? "html" : "json",
            evidence.Records.Count, evidence.Messages.Count);
        return html
            ? TypedResults.Content(EvidenceDocument.Render(evidence), "text/html; charset=utf-8")
            : TypedResults.Ok(evidence);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Consent evidence for {Contact} exported by {KeyName} as {Format}: {Records} records, {Messages} messages")]
    private static partial void LogExported(ILogger logger, string contact, string keyName, string format, int records, int messages);
}
