using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Comms.Benchmarks.Sms;

/// <summary>
/// A built service dll run with <c>dotnet</c>, configured by environment variables only, in Production mode, on a
/// port of its own. Its output goes to a log file; the last lines are kept for error messages.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int TailLines = 80;

    private readonly Queue<string> _tail = new();
    private readonly StreamWriter _log;
    private readonly Process _process;

    private ServiceProcess(string name, Process process, StreamWriter log, string logPath, int port)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    /// <summary>The process id (for its CPU time).</summary>
    public int Id => _process.Id;

    public static ServiceProcess Start(string name, string dll, int port, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException(
                $"{name} is not built at {dll}: build this tool in the same configuration (it builds the service too) or pass its dll.");
        }

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
        var service = new ServiceProcess(name, process, log, logPath, port);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits for 200 on <paramref name="healthPath"/> (the gateway: migrations applied, database and bus up).</summary>
    public async Task WaitReadyAsync(string healthPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var probe = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            ThrowIfExited();
            try
            {
                using var response = await probe.GetAsync(healthPath, cancellationToken);
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

        throw new TimeoutException($"{Name} did not answer 200 on {healthPath} within {timeout.TotalSeconds:0} s.\n{Tail()}");
    }

    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.\n{Tail()}");
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return $"--- {Name}, last {_tail.Count} lines (all of it in {LogPath}) ---\n" + string.Join('\n', _tail);
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
