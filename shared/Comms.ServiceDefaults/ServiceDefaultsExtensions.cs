using System.Text.Json.Serialization;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Comms.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    /// <summary>
    /// What every Comms service has: console logs with UTC timestamps, telemetry, health checks, problem details for every error, OpenAPI,
    /// camelCase JSON with string enums, and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddCommsConsoleLogs();
        builder.AddCommsTelemetry();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddValidation();
        builder.Services.AddRequestGuard();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>
    /// Exception and status-code pages as problem details, health endpoints and the OpenAPI document, and at <c>/</c>
    /// the service's name, unless the service has a page of its own there (<paramref name="rootIsTaken"/>).
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app, bool rootIsTaken = false)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestGuard();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapOpenApi();
        if (!rootIsTaken)
        {
            app.MapGet("/", (IHostEnvironment env) => TypedResults.Ok(new { service = env.ApplicationName, openApi = "/openapi/v1.json" }))
                .ExcludeFromDescription();
        }

        return app;
    }
}
