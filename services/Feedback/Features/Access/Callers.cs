using System.Security.Cryptography;
using System.Text;
using Comms.Feedback.Features.Requests;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Access;

/// <summary>Who called: one clinic (its <see cref="ClinicId"/>) or an operator of the whole chain (no clinic).</summary>
public sealed record Caller(string Name, string? ClinicId)
{
    public bool MayActFor(string? clinicId) => ClinicId is null || ClinicId == clinicId;
}

/// <summary>
/// The <c>X-Api-Key</c> header, checked against the clinics' keys (<c>Feedback:Clinics:&lt;id&gt;:ApiKey</c>) and the
/// operators' keys (<c>Operators:ApiKeys</c>), as SHA-256 digests compared in constant time.
/// </summary>
public static class Callers
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static Caller? Identify(HttpRequest request, FeedbackOptions feedback, OperatorOptions operators)
    {
        var presented = request.Headers[ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = Digest(presented);
        Caller? caller = null;
        foreach (var (clinicId, clinic) in feedback.Clinics)
        {
            if (!string.IsNullOrEmpty(clinic.ApiKey) && CryptographicOperations.FixedTimeEquals(digest, Digest(clinic.ApiKey)))
            {
                caller = new Caller($"clinic:{clinicId}", clinicId);
            }
        }

        foreach (var key in operators.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, Digest(key.Key)))
            {
                caller = new Caller(key.Name, null);
            }
        }

        return caller;
    }

    /// <summary>
    /// Endpoint filter: 401 without a known key; 403 when a clinic's key asks about another clinic (query
    /// <c>clinicId</c>). A clinic's key without <c>clinicId</c> means its own clinic.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = Identify(
                http.Request,
                http.RequestServices.GetRequiredService<IOptionsMonitor<FeedbackOptions>>().CurrentValue,
                http.RequestServices.GetRequiredService<IOptionsMonitor<OperatorOptions>>().CurrentValue);
            if (caller is null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Missing or unknown API key",
                    detail: $"Send the clinic's key (Feedback:Clinics:<clinicId>:ApiKey) or an operator key (Operators:ApiKeys) in the {ApiKeyHeader} header.");
            }

            var clinicId = http.Request.Query["clinicId"].ToString();
            if (caller.ClinicId is not null && clinicId.Length > 0 && !caller.MayActFor(clinicId))
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Another clinic's data",
                    detail: $"This API key belongs to clinic '{caller.ClinicId}', not '{clinicId}'.");
            }

            http.Items[typeof(Caller)] = caller;
            return await next(context);
        });

    public static Caller GetCaller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The endpoint requires RequireApiKey().");

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
}
