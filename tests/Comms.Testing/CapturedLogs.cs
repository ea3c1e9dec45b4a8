using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Comms.Testing;

/// <summary>One log entry as a service wrote it (after its configured level filters).</summary>
public sealed record CapturedLog(DateTimeOffset At, LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>Every entry an in-process service logs, kept for assertions such as "nothing was logged as an error".</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    /// <summary>Entries at <paramref name="level"/> or above, logged since <paramref name="since"/>.</summary>
    public IReadOnlyList<CapturedLog> AtLeast(LogLevel level, DateTimeOffset since) =>
        [.. _entries.Where(e => e.Level >= level && e.Level != LogLevel.None && e.At >= since)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(DateTimeOffset.UtcNow, logLevel, category, formatter(state, exception), exception));
    }
}
