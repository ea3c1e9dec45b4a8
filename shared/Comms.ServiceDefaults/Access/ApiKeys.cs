using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comms.ServiceDefaults.Access;

/// <summary>Who called: one clinic (its <see cref="ClinicId"/>, from that clinic's key) or an operator of the whole chain.</summary>
public sealed record Caller(string Name, string? ClinicId)
{
    public bool IsOperator => ClinicId is null;

    public bool MayActFor(string? clinicId) => ClinicId is null || ClinicId == clinicId;
}

/// <summary>
/// Section <c>Operators</c>: keys for the clinic chain's own staff and tools, valid for every clinic. The key's name is
/// recorded as who called (who changed the rules, who cleared a flag).
/// </summary>
public sealed class OperatorOptions : IValidatableObject
{
    public const string Section = "Operators";
    public const int MinimumKeyLength = 16;

    public List<OperatorKey> ApiKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < ApiKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ApiKeys[i].Name))
            {
                yield return new ValidationResult("is required (it is recorded as who called)", [$"{Section}:ApiKeys:{i}:Name"]);
            }

            if (string.IsNullOrWhiteSpace(ApiKeys[i].Key) || ApiKeys[i].Key.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"must be at least {MinimumKeyLength} characters", [$"{Section}:ApiKeys:{i}:Key"]);
            }
        }
    }
}

public sealed class OperatorKey
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

/// <summary>A service's clinic keys, wherever it keeps them (by default <c>Mis:Clinics</c>; Feedback: its own section).</summary>
public interface IClinicKeys
{
    /// <summary>Where the keys are configured, for the 401 answer ("the clinic's key (Mis:Clinics)").</summary>
    string Source { get; }

    IEnumerable<(string ClinicId, string Key)> Current { get; }
}

/// <summary>
/// <c>Mis:Clinics</c>, a list of <c>{ClinicId, ApiKey}</c>: each clinic's MIS key, the one it posts its events to
/// Scheduling with, valid for that clinic's data only. Every service reads the same list (one secret in k8s).
/// </summary>
public sealed class ClinicKeysOptions : IValidatableObject
{
    public const string Section = "Mis";
    public const int MinimumKeyLength = 12;

    public List<ClinicKey> Clinics { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Clinics.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Clinics[i].ClinicId))
            {
                yield return new ValidationResult("is required", [$"{Section}:Clinics:{i}:ClinicId"]);
            }

            if (string.IsNullOrWhiteSpace(Clinics[i].ApiKey) || Clinics[i].ApiKey.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"must be at least {MinimumKeyLength} characters", [$"{Section}:Clinics:{i}:ApiKey"]);
            }
        }
    }
}

public sealed class ClinicKey
{
    public string ClinicId { get; set; } = "";

    public string ApiKey { get; set; } = "";
}

/// <summary>
/// Named keys valid for every clinic (the chain's operators). Every service reads <c>Operators:ApiKeys</c>; a service
/// may add keys of its own section (Consent: <c>Consent:ApiKeys</c>) by registering another one.
/// </summary>
public interface IOperatorKeys
{
    /// <summary>Where the keys are configured, for the 401 answer.</summary>
    string Source { get; }

    IEnumerable<(string Name, string Key)> Current { get; }
}

internal sealed class ConfiguredOperatorKeys(IOptionsMonitor<OperatorOptions> options) : IOperatorKeys
{
    public string Source => $"{OperatorOptions.Section}:ApiKeys";

    public IEnumerable<(string Name, string Key)> Current => options.CurrentValue.ApiKeys.Select(k => (k.Name, k.Key));
}

internal sealed class ConfiguredClinicKeys(IOptionsMonitor<ClinicKeysOptions> options) : IClinicKeys
{
    public string Source => $"{ClinicKeysOptions.Section}:Clinics";

    public IEnumerable<(string ClinicId, string Key)> Current => options.CurrentValue.Clinics.Select(c => (c.ClinicId, c.ApiKey));
}

/// <summary>
/// The <c>X-Api-Key</c> header, checked against the clinics' keys (<see cref="IClinicKeys"/>) and the operators' keys
/// (<see cref="IOperatorKeys"/>: <c>Operators:ApiKeys</c> and any a service adds). Keys are compared as SHA-256 digests
/// in constant time, every key each time. The one key mechanism of every service.
/// </summary>
public static class ApiKeys
{
    public const string Header = "X-Api-Key";

    /// <summary>
    /// <c>Operators:ApiKeys</c> and <c>Mis:Clinics</c>, validated at start (a key too short names its setting). A
    /// service that keeps (and validates) its clinic keys itself registers its own <see cref="IClinicKeys"/> first.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IOperatorKeys, ConfiguredOperatorKeys>();
        if (!builder.Services.Any(s => s.ServiceType == typeof(IClinicKeys)))
        {
            builder.Services.AddOptions<ClinicKeysOptions>().BindConfiguration(ClinicKeysOptions.Section).ValidateDataAnnotations().ValidateOnStart();
            builder.Services.AddSingleton<IClinicKeys, ConfiguredClinicKeys>();
        }

        return builder;
    }

    public static Caller? Identify(HttpRequest request)
    {
        var presented = request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var services = request.HttpContext.RequestServices;
        var digest = Digest(presented);
        Caller? caller = null;
        foreach (var (clinicId, key) in services.GetRequiredService<IClinicKeys>().Current)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, Digest(key)))
            {
                caller = new Caller($"clinic:{clinicId}", clinicId);
            }
        }

        foreach (var (name, key) in services.GetServices<IOperatorKeys>().SelectMany(keys => keys.Current))
        {
            if (CryptographicOperations.FixedTimeEquals(digest, Digest(key)))
            {
                caller = new Caller(name, null);
            }
        }

        return caller;
    }

    /// <summary>
    /// Endpoint filter: 401 without a known key; 403 when a clinic's key names another clinic in the route or the
    /// query (<c>clinicId</c>). A clinic's key without a <c>clinicId</c> means its own clinic: the handler narrows to
    /// <see cref="Caller.ClinicId"/>. The <see cref="Caller"/> is then in <c>HttpContext.Items</c>.
    /// </summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (Identify(http.Request) is not { } caller)
            {
                return Unauthorized(http, operatorsOnly: false);
            }

            var clinicId = http.Request.RouteValues["clinicId"] as string ?? http.Request.Query["clinicId"].ToString();
            if (clinicId.Length > 0 && !caller.MayActFor(clinicId))
            {
                return AnotherClinic(caller, clinicId);
            }

            http.Items[typeof(Caller)] = caller;
            return await next(context);
        });

    /// <summary>Endpoint filter for what only the chain's operators may do or see: 401 without a known key, 403 with a clinic's.</summary>
    public static TBuilder RequireOperatorKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (Identify(http.Request) is not { } caller)
            {
                return Unauthorized(http, operatorsOnly: true);
            }

            if (!caller.IsOperator)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status403Forbidden,
                    title: "Operators only",
                    detail: $"This API is for the chain's operators ({OperatorSources(http)}); the key given is clinic '{caller.ClinicId}''s.");
            }

            http.Items[typeof(Caller)] = caller;
            return await next(context);
        });

    public static Caller GetCaller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The endpoint requires RequireApiKey() or RequireOperatorKey().");

    /// <summary>403 for a clinic's key asking about another clinic.</summary>
    public static ProblemHttpResult AnotherClinic(Caller caller, string? clinicId) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Another clinic's data",
            detail: $"This API key belongs to clinic '{caller.ClinicId}', not '{clinicId}'.");

    private static IResult Unauthorized(HttpContext http, bool operatorsOnly)
    {
        var clinics = http.RequestServices.GetRequiredService<IClinicKeys>().Source;
        return TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or unknown API key",
            detail: operatorsOnly
                ? $"Send an operator key ({OperatorSources(http)}) in the {Header} header."
                : $"Send the clinic's key ({clinics}) or an operator key ({OperatorSources(http)}) in the {Header} header.");
    }

    private static string OperatorSources(HttpContext http) =>
        string.Join(" or ", http.RequestServices.GetServices<IOperatorKeys>().Select(k => k.Source));

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key.Trim()));
}
