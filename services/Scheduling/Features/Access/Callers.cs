using System.Security.Cryptography;
using System.Text;
using Comms.Scheduling.Features.MisEvents;
using Microsoft.Extensions.Options;

namespace Comms.Scheduling.Features.Access;

/// <summary>Who called: a clinic's MIS (its <see cref="ClinicId"/>) or an operator of the whole chain (no clinic).</summary>
public sealed record Caller(string Name, string? ClinicId)
{
    public bool MayActFor(string clinicId) => ClinicId is null || ClinicId == clinicId;
}

/// <summary>
/// The <c>X-Api-Key</c> header, checked against the clinics' MIS keys (<c>Mis:Clinics</c>) and the operators' keys
/// (<c>Operators:ApiKeys</c>). Keys are compared as SHA-256 digests in constant time.
/// </summary>
public static class Callers
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static Caller? Identify(HttpRequest request, MisOptions clinics, OperatorOptions operators)
    {
        var presented = request.Headers[ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = Digest(presented);
        Caller? caller = null;
        foreach (var clinic in clinics.Clinics)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, Digest(clinic.ApiKey)))
            {
                caller = new Caller($"clinic:{clinic.ClinicId}", clinic.ClinicId);
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
    /// Endpoint filter for routes under <c>/clinics/{clinicId}</c>: 401 without a known key, 403 with another
    /// clinic's key; otherwise the <see cref="Caller"/> is in <c>HttpContext.Items</c>.
    /// </summary>
    public static TBuilder RequireClinicAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = Identify(
                http.Request,
                http.RequestServices.GetRequiredService<IOptionsMonitor<MisOptions>>().CurrentValue,
                http.RequestServices.GetRequiredService<IOptionsMonitor<OperatorOptions>>().CurrentValue);
            if (caller is null)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Missing or unknown API key",
                    detail: $"Send the clinic's MIS key or an operator key (Operators:ApiKeys) in the {ApiKeyHeader} header.");
            }

            var clinicId = http.Request.RouteValues["clinicId"] as string ?? "";
            if (!caller.MayActFor(clinicId))
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
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The endpoint requires RequireClinicAccess().");

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
}
