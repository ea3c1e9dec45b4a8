using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comms.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Comms.ServiceDefaults.Tests;

/// <summary>
/// What the console logger of a Comms service writes, read from the console itself: a host built as the services build
/// theirs, its standard output swapped for a buffer while it logs.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleLogsTests
{
    [Fact]
    public void Every_line_starts_with_its_utc_time_and_an_exception_stays_on_its_line()
    {
        var before = Now();
        var output = Log([], logger =>
        {
            logger.LogInformation("Отправлено {Count} сообщений", 3);
            logger.LogError(new InvalidOperationException("the broker went away"), "Dispatch failed");
        });
        var after = Now();

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line =>
        {
            var match = SimpleLine().Match(line);
            Assert.True(match.Success, line);
            var at = DateTimeOffset.ParseExact(match.Groups["at"].Value, "yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(at, before, after);
        });
        Assert.EndsWith("info: Test.Category[0] Отправлено 3 сообщений", lines[0], StringComparison.Ordinal);
        Assert.Contains("fail: Test.Category[0] Dispatch failed System.InvalidOperationException: the broker went away", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_one_setting_away_with_the_same_utc_time()
    {
        var before = Now();
        var output = Log([("Logging:Console:FormatterName", "json")], logger => logger.LogWarning("Клиника {ClinicId} без правил", "msk-1"));
        var after = Now();

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var entry = JsonDocument.Parse(line);
        var timestamp = entry.RootElement.GetProperty("Timestamp").GetString()!;
        Assert.EndsWith("Z", timestamp, StringComparison.Ordinal);
        Assert.InRange(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture), before, after);
        Assert.Equal("Warning", entry.RootElement.GetProperty("LogLevel").GetString());
        Assert.Equal("Клиника msk-1 без правил", entry.RootElement.GetProperty("Message").GetString());
        Assert.Contains("Клиника", line, StringComparison.Ordinal);
        Assert.False(entry.RootElement.TryGetProperty("Scopes", out _), line);
    }

    [Fact]
    public void A_formatter_setting_wins_over_the_default()
    {
        var output = Log([("Logging:Console:FormatterOptions:TimestampFormat", "[HH:mm] ")], logger => logger.LogInformation("Started"));

        Assert.Matches(@"^\[\d{2}:\d{2}\] info: Test\.Category\[0\] Started$", output.Trim());
    }

    private static string Log((string Key, string Value)[] settings, Action<ILogger> write)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new("Logging:Console:FormatterOptions:ColorBehavior", "Disabled")));
        builder.AddCommsConsoleLogs();

        var original = Console.Out;
        using var buffer = new StringWriter();
        Console.SetOut(buffer);
        try
        {
            using (var host = builder.Build())
            {
                write(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Test.Category"));
            }

            // Disposing the host flushed the console logger's queue.
            return buffer.ToString().Replace("\r", "", StringComparison.Ordinal);
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    /// <summary>The clock at millisecond precision, as the timestamps are written.</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    [GeneratedRegex(@"^(?<at>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})Z (info|warn|fail|crit|dbug|trce): ")]
    private static partial Regex SimpleLine();
}

/// <summary>The console is one per process: tests that swap it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
