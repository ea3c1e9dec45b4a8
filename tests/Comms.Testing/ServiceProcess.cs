using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Comms.Testing;

/// <summary>One real service process (its built dll run with <c>dotnet</c>), its log kept for failure messages.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly string _dll;
    private readonly string _workingDirectory;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    public ServiceProcess(string name, string projectDirectory, string assembly, int port, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        Port = port;
        _workingDirectory = Path.Combine(Repository.Root, projectDirectory);
        _dll = Path.Combine(_workingDirectory, "bin", Repository.Configuration, "net10.0", assembly + ".dll");
        _environment = environment;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public void Start()
    {
        if (!File.Exists(_dll))
        {
            throw new FileNotFoundException($"{Name} is not built: {_dll}");
        }

        var info = new ProcessStartInfo("dotnet", [_dll, "--urls", $"http://127.0.0.1:{Port}"])
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["MASSTRANSIT_USAGE_TELEMETRY"] = "false";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Waits until the service answers 200 on its readiness endpoint; fails with its log tail otherwise.</summary>
    public async Task WaitReadyAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}.\n{LogTail()}");
            }

            try
            {
                using var response = await Http.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not ready at {path} within {timeout.TotalSeconds:0}s.\n{LogTail()}");
    }

    /// <summary>Kills the process outright, as a crash or an OOM kill would: no graceful shutdown.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Everything the process has printed so far.</summary>
    public string Log()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    public string LogTail(int lines = 60)
    {
        lock (_log)
        {
            var all = _log.ToString().Split('\n');
            return $"--- {Name} log (last {lines} lines) ---\n" + string.Join('\n', all.TakeLast(lines));
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public static class Repository
{
    public static readonly string Root = FindRoot();

    /// <summary>Debug or Release: the services were built with the same configuration as this test assembly.</summary>
    public static readonly string Configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Comms.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Comms.sln not found above the test folder.");
    }
}
