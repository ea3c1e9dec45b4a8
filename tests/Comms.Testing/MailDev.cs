using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Comms.Testing;

/// <summary>
/// A real SMTP sink for the tests: maildev 2.x (npm) on free ports, one per fixture, with its own mail directory, and
/// nothing left running afterwards. Installed on first use with npm into the repository's <c>.run/node</c> (where
/// <c>tools/up</c> puts it too); <c>COMMS_MAILDEV</c> may name an installed maildev script instead.
/// </summary>
public sealed class MailDev : IAsyncDisposable
{
    private const string Package = "maildev@^2"; // maildev 3 wants Node 22; 2.x runs on Node 18/20
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private readonly StringBuilder _log = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("comms-maildev-").FullName;
    private Process? _process;

    public int SmtpPort { get; } = ServiceProcess.FreePort();

    public int WebPort { get; } = ServiceProcess.FreePort();

    /// <summary>maildev's REST API: <c>GET email</c> lists received mails with their headers.</summary>
    public HttpClient Http { get; private set; } = null!;

    public static async Task<MailDev> StartAsync()
    {
        var maildev = new MailDev();
        await maildev.RunAsync();
        return maildev;
    }

    /// <summary>The mails received for an address (maildev's JSON, headers in lower case).</summary>
    public async Task<JsonElement[]> MailsToAsync(string address)
    {
        var all = await Http.GetFromJsonAsync<JsonElement[]>("email") ?? [];
        return [.. all.Where(m => m.GetProperty("to").EnumerateArray().Any(t => string.Equals(t.GetProperty("address").GetString(), address, StringComparison.OrdinalIgnoreCase)))];
    }

    public async Task<string> SourceAsync(JsonElement mail) => await Http.GetStringAsync($"email/{mail.GetProperty("id").GetString()}/source");

    public string LogTail()
    {
        lock (_log)
        {
            return "--- maildev log ---\n" + _log;
        }
    }

    private async Task RunAsync()
    {
        var script = await EnsureInstalledAsync();
        var info = new ProcessStartInfo("node",
        [
            script, "--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--web", WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--mail-directory", _directory,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/"), Timeout = TimeSpan.FromSeconds(10) };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"maildev exited with code {_process.ExitCode}.\n{LogTail()}");
            }

            try
            {
                using var response = await Http.GetAsync("email");
                if (response.IsSuccessStatusCode && LogTail().Contains("SMTP Server running", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"maildev did not answer on port {WebPort} within 60 s.\n{LogTail()}");
    }

    /// <summary>The maildev script, installed with npm when missing (once, however many fixtures ask at the same time).</summary>
    private static async Task<string> EnsureInstalledAsync()
    {
        if (Environment.GetEnvironmentVariable("COMMS_MAILDEV") is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : throw new FileNotFoundException($"COMMS_MAILDEV names no file: {given}");
        }

        var nodeDirectory = Path.Combine(Repository.Root, ".run", "node");
        var script = Path.Combine(nodeDirectory, "node_modules", "maildev", "bin", "maildev");
        await InstallGate.WaitAsync();
        try
        {
            Directory.CreateDirectory(nodeDirectory);
            // Test projects run in parallel processes, and tools/up installs into the same folder: a file lock across them.
            await using var lockFile = await LockAsync(Path.Combine(nodeDirectory, ".maildev-install.lock"));
            if (File.Exists(script))
            {
                return script;
            }

            var info = new ProcessStartInfo("npm", ["install", "--prefix", nodeDirectory, Package, "--no-audit", "--no-fund"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process npm;
            try
            {
                npm = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("The email tests need maildev from npm, and npm is not installed (apt-get install npm).", ex);
            }

            using (npm)
            {
                var output = npm.StandardOutput.ReadToEndAsync();
                var errors = npm.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                await npm.WaitForExitAsync(timeout.Token);
                if (npm.ExitCode != 0 || !File.Exists(script))
                {
                    throw new InvalidOperationException($"npm install {Package} into {nodeDirectory} failed (exit {npm.ExitCode}).\n{await output}\n{await errors}");
                }
            }

            return script;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(6);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Http?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
