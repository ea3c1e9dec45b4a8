using System.Text.Encodings.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace Comms.ServiceDefaults;

/// <summary>
/// Console logs an operator can alert on: each entry on one line that starts with its UTC time (ISO 8601), in the
/// simple format by default, or one JSON object per line with <c>Logging:Console:FormatterName=json</c> (a
/// <c>Timestamp</c> property, the same UTC time). Scopes stay off: they would carry request paths and message
/// properties into every line. A setting under <c>Logging:Console:FormatterOptions</c> still wins over these defaults.
/// </summary>
public static class ConsoleLogs
{
    /// <summary>"2026-11-23T09:00:00.123Z ": the simple formatter writes it as given, then the level.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";

    /// <summary>The JSON formatter's <c>Timestamp</c> property: the same instant without the separating space.</summary>
    public const string JsonTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private const string OptionsSection = "Logging:Console:FormatterOptions";

    public static IHostApplicationBuilder AddCommsConsoleLogs(this IHostApplicationBuilder builder)
    {
        // Without a formatter name the console logger copies its own obsolete settings over the formatter's (a null
        // timestamp format among them): name the simple formatter unless a setting names another.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName ??= ConsoleFormatterNames.Simple);
        var configured = builder.Configuration.GetSection(OptionsSection);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options =>
        {
            ApplyDefaults(options, configured, TimestampFormat);
            if (configured[nameof(SimpleConsoleFormatterOptions.SingleLine)] is null)
            {
                options.SingleLine = true;
            }
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            ApplyDefaults(options, configured, JsonTimestampFormat);
            // Russian text as text, not \u0410…: log lines are read by people and log shippers, never put in HTML.
            options.JsonWriterOptions = options.JsonWriterOptions with { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        builder.Services.Configure<ConsoleFormatterOptions>(options => ApplyDefaults(options, configured, TimestampFormat));
        return builder;
    }

    private static void ApplyDefaults(ConsoleFormatterOptions options, IConfigurationSection configured, string timestampFormat)
    {
        if (configured[nameof(ConsoleFormatterOptions.TimestampFormat)] is null)
        {
            options.TimestampFormat = timestampFormat;
        }

        if (configured[nameof(ConsoleFormatterOptions.UseUtcTimestamp)] is null)
        {
            options.UseUtcTimestamp = true;
        }

        if (configured[nameof(ConsoleFormatterOptions.IncludeScopes)] is null)
        {
            options.IncludeScopes = false;
        }
    }
}
