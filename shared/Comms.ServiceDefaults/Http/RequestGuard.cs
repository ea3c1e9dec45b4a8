using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Comms.ServiceDefaults.Http;

/// <summary>Section <c>Http</c>: what every service takes in over HTTP.</summary>
public sealed class RequestLimitsOptions
{
    public const string Section = "Http";

    /// <summary>The largest JSON body, in bytes (default 4 MiB: a batch of 500 MIS events fits many times over).</summary>
    public long MaxJsonBodyBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>
/// The door every request of every service passes, so that bad input gets a 4xx problem-details answer that names
/// the field — never a 500, never an error deep inside that quotes a patient's data:
/// <list type="bullet">
/// <item>a body of a type the endpoint does not take: 415, listing the types it does;</item>
/// <item>a JSON body over <see cref="RequestLimitsOptions.MaxJsonBodyBytes"/>, or any body over the server's limit: 413;</item>
/// <item>JSON that does not parse, or any string in it (a JSON body, a URL-encoded form field, a query or route value)
/// with text that cannot be stored (<see cref="StoredText"/>): 400 naming each field (a multipart upload is the
/// endpoint's to read and check);</item>
/// <item>a body the endpoint could not bind (a number where text is due): 400 naming the field.</item>
/// </list>
/// </summary>
public sealed partial class RequestGuard(RequestDelegate next, IOptionsMonitor<RequestLimitsOptions> limits, ILogger<RequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            if (await RefuseAsync(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }

            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's body limit, a form that does not parse, a body an endpoint could not bind.
            LogRefused(logger, context.Request.Method, RouteOf(context), ex.StatusCode);
            context.Response.Clear();
            await (await BindingProblemAsync(context, ex) ?? BadRequest(ex)).ExecuteAsync(context);
        }
        catch (InvalidDataException) when (!context.Response.HasStarted)
        {
            // A multipart or form body that breaks its own rules (boundaries, counts, lengths).
            LogRefused(logger, context.Request.Method, RouteOf(context), StatusCodes.Status400BadRequest);
            context.Response.Clear();
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request",
                detail: "The form body could not be read: it is malformed or over the form limits.").ExecuteAsync(context);
        }
    }

    /// <summary>The endpoint's route template, never the path itself: a path may carry a token or an identifier.</summary>
    private static string RouteOf(HttpContext context) =>
        (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no endpoint)";

    private async Task<IResult?> RefuseAsync(HttpContext context)
    {
        var request = context.Request;
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, values) in request.Query)
        {
            Check(errors, name, values);
        }

        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text)
            {
                Check(errors, name, text);
            }
        }

        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        if (!HasBody(request))
        {
            return null;
        }

        var accepts = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>();
        if (accepts is { ContentTypes.Count: > 0 } && !Accepted(request.ContentType, accepts.ContentTypes))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type",
                detail: $"This endpoint takes {string.Join(", ", accepts.ContentTypes)}; the request's Content-Type is '{request.ContentType ?? "(none)"}'.",
                extensions: new Dictionary<string, object?> { ["accepted"] = accepts.ContentTypes });
        }

        if (IsJson(request.ContentType))
        {
            return await CheckJsonAsync(context);
        }

        // A multipart body is the endpoint's to stream (a file import reads it once, as it comes); a plain form is
        // small and read once here, then served to the endpoint from memory.
        if (IsUrlEncodedForm(request.ContentType))
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            foreach (var (name, values) in form)
            {
                Check(errors, name, values);
            }

            return errors.Count > 0 ? Invalid(errors) : null;
        }

        return null;
    }

    private async Task<IResult?> CheckJsonAsync(HttpContext context)
    {
        var request = context.Request;
        var max = limits.CurrentValue.MaxJsonBodyBytes;
        if (request.ContentLength > max)
        {
            return TooLarge(max);
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: max + 1);
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > max)
            {
                return TooLarge(max);
            }

            body.Write(buffer, 0, read);
        }

        request.Body.Position = 0;
        if (body.Length == 0)
        {
            return null;
        }

        var errors = StoredText.FindInJson(body.GetBuffer().AsSpan(0, (int)body.Length));
        return errors.Count > 0 ? Invalid(new Dictionary<string, string[]>(errors)) : null;
    }

    private static void Check(Dictionary<string, string[]> errors, string name, StringValues values)
    {
        if (StoredText.Problem(name) is { } nameProblem)
        {
            errors.TryAdd("?", [$"a parameter name {nameProblem}"]);
            return;
        }

        foreach (var value in values)
        {
            if (StoredText.Problem(value) is { } problem)
            {
                errors.TryAdd(name, [problem]);
                return;
            }
        }
    }

    private static void Check(Dictionary<string, string[]> errors, string name, string value) => Check(errors, name, new StringValues(value));

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsUrlEncodedForm(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    internal static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);

    private static bool Accepted(string? contentType, IReadOnlyList<string> accepted)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        foreach (var type in accepted)
        {
            if (MediaTypeHeaderValue.TryParse(type, out var allowed) && media.IsSubsetOf(allowed))
            {
                return true;
            }
        }

        return false;
    }

    private static IResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request has text that cannot be taken");

    private static IResult TooLarge(long max) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"A JSON body may be at most {max} bytes (setting {RequestLimitsOptions.Section}:MaxJsonBodyBytes).");

    /// <summary>
    /// A JSON body the endpoint could not bind: every field that does not fit the endpoint's body type
    /// (<see cref="JsonShape"/>), not just the first one the serializer tripped on.
    /// </summary>
    private static async Task<IResult?> BindingProblemAsync(HttpContext context, BadHttpRequestException ex)
    {
        if (ex.StatusCode != StatusCodes.Status400BadRequest || ex.InnerException is not JsonException json)
        {
            return null;
        }

        var errors = new Dictionary<string, string[]>();
        var bodyType = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (bodyType is not null && context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            foreach (var (path, messages) in JsonShape.Check(document.RootElement, bodyType, options))
            {
                errors[path] = messages;
            }
        }

        if (errors.Count == 0)
        {
            var path = json.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : "";
            errors[path.Length == 0 ? "$" : path] = [BindingProblem(json)];
        }

        return TypedResults.ValidationProblem(errors, title: "The request body does not match what the endpoint takes");
    }

    private static IResult BadRequest(BadHttpRequestException ex)
    {
        return TypedResults.Problem(
            statusCode: ex.StatusCode,
            title: ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "Request body too large",
                StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                _ => "Bad request",
            },
            detail: ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The body is larger than this server takes."
                : ex.Message);
    }

    /// <summary>"The JSON value could not be converted to System.Int32. Path: … | LineNumber: …" → the first sentence.</summary>
    private static string BindingProblem(JsonException json)
    {
        var message = json.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "has the wrong type or shape: " + (cut > 0 ? message[..cut] : message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Route} refused with {Status}: the request could not be read")]
    private static partial void LogRefused(ILogger logger, string method, string route, int status);
}

public static class RequestGuardExtensions
{
    public static IServiceCollection AddRequestGuard(this IServiceCollection services)
    {
        services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.Section)
            .Validate(o => o.MaxJsonBodyBytes is >= 1024 and <= 256L * 1024 * 1024, $"{RequestLimitsOptions.Section}:MaxJsonBodyBytes must be between 1 KiB and 256 MiB")
            .ValidateOnStart();

        // Endpoints throw on a body they cannot bind, in every environment, so the guard can answer naming the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // Routing would answer a body of the wrong type itself, with a bare 415 from an endpoint of its own that knows
        // nothing of the types the real one takes: routing picks the real endpoint, and the guard answers, listing them.
        // No Comms endpoint shares its route with another that differs only by content type.
        foreach (var policy in services.Where(s => s.ServiceType == typeof(MatcherPolicy) && s.ImplementationType?.Name == "AcceptsMatcherPolicy").ToList())
        {
            services.Remove(policy);
        }

        return services;
    }

    public static IApplicationBuilder UseRequestGuard(this IApplicationBuilder app) => app.UseMiddleware<RequestGuard>();
}
