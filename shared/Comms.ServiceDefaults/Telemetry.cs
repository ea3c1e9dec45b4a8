using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Comms.ServiceDefaults;

public static class Telemetry
{
    /// <summary>
    /// Traces and metrics for ASP.NET Core, HttpClient, MassTransit and Npgsql. Exported over OTLP only when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set: nothing leaves the clinic's network unless an operator asks for it. Without it
    /// no trace is made at all (and logs do not pass through OpenTelemetry): a span for every request, provider call,
    /// message and database command, kept for nobody, cost a share of every service's CPU (docs/performance.md).
    /// </summary>
    public static IHostApplicationBuilder AddCommsTelemetry(this IHostApplicationBuilder builder)
    {
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (exporting)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }

        builder.Services.AddMetrics();
        builder.Services.AddSingleton<CommsMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter("Npgsql")
                .AddMeter(CommsMeters.Name));

        if (exporting)
        {
            otel.WithTracing(tracing => tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource("MassTransit")
                    .AddAspNetCoreInstrumentation(options =>
                        options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter();
        }

        return builder;
    }
}

/// <summary>The meter every Comms service records its own counters on.</summary>
public static class CommsMeters
{
    public const string Name = "Comms";
}

/// <summary>
/// The counters of the <see cref="CommsMeters.Name"/> meter that mean "a message will not arrive unless someone acts":
/// alert on any increase. Each also shows in <c>/health/ready</c> as long as the cause lasts.
/// </summary>
public sealed class CommsMetrics
{
    public CommsMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(CommsMeters.Name);
        DeadLettered = Meter.CreateCounter<long>("comms.messages.dead_lettered", "{message}",
            "Messages moved to an _error queue: they are not consumed until an operator moves them back (tags: queue, exception).");
        OutboxSetAside = Meter.CreateCounter<long>("comms.outbox.set_aside", "{message}",
            "Outbox rows set aside after failing to publish on their own; retried rarely until an operator acts (tag: message_type).");
        DueWorkFailed = Meter.CreateCounter<long>("comms.due.failed", "{row}",
            "Due rows (a reminder, a feedback request) whose dispatch failed on its own; the others went on (tag: work).");
    }

    public Meter Meter { get; }

    public Counter<long> DeadLettered { get; }

    public Counter<long> OutboxSetAside { get; }

    public Counter<long> DueWorkFailed { get; }
}
