using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Comms.Benchmarks.Dispatcher;

/// <summary>
/// The real Scheduling service, its built dll run with <c>dotnet</c> and configured by environment variables
/// only, in Production mode. Its output goes to a log file; the last lines are kept for error messages.
/// </summary>
public sealed class SchedulingProcess : IAsyncDisposable
{
    private const int TailLines = 80;

    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _log;
    private readonly Process _process;

    private SchedulingProcess(Process process, StreamWriter log, string logPath, int port)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public string LogPath { get; }

    public HttpClient Http { get; }

    /// <summary>The service's process id (for its CPU time).</summary>
    public int Id => _process.Id;

    public static SchedulingProcess Start(string dll, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"Comms.Scheduling is not built at {dll}: build it (dotnet build services/Scheduling -c Release) or pass --scheduling-dll.");
        }

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Nothing of the caller's shell leaks in: no telemetry export, no other environment's settings.
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        info.Environment["MASSTRANSIT_USAGE_TELEMETRY"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = false };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new SchedulingProcess(process, log, logPath, port);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits for 200 on <c>/health/ready</c>: migrations applied, database reachable, bus started.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Comms.Scheduling exited with code {_process.ExitCode}.\n{Tail()}");
            }

            try
            {
                using var response = await Http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"Comms.Scheduling was not ready within {timeout.TotalSeconds:0} s.\n{Tail()}");
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"Comms.Scheduling exited with code {_process.ExitCode} during the run.\n{Tail()}");
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return $"--- Comms.Scheduling, last {_tail.Count} lines (all of it in {LogPath}) ---\n" + string.Join('\n', _tail);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _log.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
        lock (_tail)
        {
            _log.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
