using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Comms.Testing;

/// <summary>
/// A real IMAP server for the tests: Debian's dovecot (package dovecot-imapd, which <c>tools/test</c> installs), one
/// instance per fixture on a free loopback port, with its own configuration, passwd-file users and maildirs in a temp
/// directory, and nothing left running afterwards. No system configuration is read or changed. As root it runs its
/// processes as dovecot's system users (dovecot refuses root); as anyone else, entirely as that user.
/// Mail reaches a mailbox by IMAP APPEND, as a delivery agent would put it there. <c>COMMS_DOVECOT</c> may name
/// another dovecot binary.
/// </summary>
public sealed class Dovecot : IAsyncDisposable
{
    public const string Host = "127.0.0.1";

    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode AnyoneMayWrite = Readable | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite |
                                                UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly StringBuilder _output = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("comms-dovecot-").FullName;
    private readonly Dictionary<string, string> _passwords = [];
    private Process? _process;

    private Dovecot()
    {
    }

    public int Port { get; } = ServiceProcess.FreePort();

    public static async Task<Dovecot> StartAsync(params string[] users)
    {
        var dovecot = new Dovecot();
        foreach (var user in users)
        {
            dovecot._passwords[user] = "pw-" + Guid.NewGuid().ToString("N");
        }

        await dovecot.RunAsync();
        return dovecot;
    }

    public string PasswordOf(string user) => _passwords[user];

    /// <summary>Puts a mail into a user's folder (IMAP APPEND) and returns its UID there.</summary>
    public async Task<UniqueId> AppendAsync(string user, MimeMessage mail, string folder = "INBOX")
    {
        using var client = await ConnectAsync(user);
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        // The mail arrives now by this process's clock, whatever the server's says.
        var uid = await target.AppendAsync(mail, MessageFlags.None, DateTimeOffset.UtcNow);
        await client.DisconnectAsync(true);
        return uid ?? throw new InvalidOperationException("dovecot did not answer APPEND with a UID (UIDPLUS)");
    }

    /// <summary>The flags of a mail in a user's folder, as any mail client would see them.</summary>
    public async Task<MessageFlags> FlagsAsync(string user, UniqueId uid, string folder = "INBOX")
    {
        using var client = await ConnectAsync(user);
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        await target.OpenAsync(FolderAccess.ReadOnly);
        var summary = (await target.FetchAsync([uid], MessageSummaryItems.Flags)).Single();
        await client.DisconnectAsync(true);
        return summary.Flags ?? MessageFlags.None;
    }

    public string LogTail()
    {
        var log = Path.Combine(_directory, "dovecot.log");
        var lines = File.Exists(log) ? File.ReadAllLines(log).TakeLast(40) : [];
        lock (_output)
        {
            return "--- dovecot log ---\n" + string.Join('\n', lines) + "\n" + _output;
        }
    }

    private async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient { Timeout = 10_000 };
        await client.ConnectAsync(Host, Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, _passwords[user]);
        return client;
    }

    private async Task RunAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The reply tests start dovecot, which runs on Linux.");
        }

        var binary = Environment.GetEnvironmentVariable("COMMS_DOVECOT") is { Length: > 0 } given ? given : "/usr/sbin/dovecot";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"The reply tests need dovecot ({binary} is missing): run them through ./tools/test, which installs it, or apt-get install dovecot-imapd.");
        }

        var (internalUser, internalGroup, loginUser, uid, gid) = Users();
        var mail = Path.Combine(_directory, "mail");
        Directory.CreateDirectory(mail);
        Directory.CreateDirectory(Path.Combine(_directory, "run"));
        Directory.CreateDirectory(Path.Combine(_directory, "state"));

        // As root the mail processes run as dovecot's user, which must reach and write the maildirs.
        File.SetUnixFileMode(_directory, Readable | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(mail, AnyoneMayWrite);
        var users = Path.Combine(_directory, "users");
        await File.WriteAllLinesAsync(users, _passwords.Select(p => $"{p.Key}:{{PLAIN}}{p.Value}"));
        File.SetUnixFileMode(users, Readable | UnixFileMode.UserWrite);
        var config = Path.Combine(_directory, "dovecot.conf");
        await File.WriteAllTextAsync(config, $$"""
            # A test's own IMAP server (tests/Comms.Testing/Dovecot.cs): loopback only, plain text, passwd-file users.
            base_dir = {{_directory}}/run
            state_dir = {{_directory}}/state
            log_path = {{_directory}}/dovecot.log
            protocols = imap
            listen = {{Host}}
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = {{internalUser}}
            default_internal_group = {{internalGroup}}
            default_login_user = {{loginUser}}
            first_valid_uid = {{uid}}
            mail_location = maildir:{{mail}}/%u
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{users}}
            }
            userdb {
              driver = static
              args = uid={{uid}} gid={{gid}} home={{mail}}/%u
            }
            service imap-login {
              chroot =
              inet_listener imap {
                address = {{Host}}
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            import_environment = TZ LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC FAKETIME_FORCE_MONOTONIC_FIX NO_FAKE_STAT
            """);
        var info = new ProcessStartInfo(binary, ["-F", "-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under a shifted test clock (tools/test's COMMS_TEST_CLOCK) every dovecot process shares it: dovecot clears its
        // children's environment unless told (import_environment, above), and a master and children on different clocks
        // stall at sign-in. The clock is shifted, not the files' times: dovecot dates a mail by its file.
        if (info.Environment.ContainsKey("FAKETIME"))
        {
            info.Environment["NO_FAKE_STAT"] = "1";
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dovecot exited with code {_process.ExitCode}.\n{LogTail()}");
            }

            if (await GreetsAsync())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"dovecot did not greet on {Host}:{Port} within 30 s.\n{LogTail()}");
    }

    private async Task<bool> GreetsAsync()
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(Host, Port);
            using var reader = new StreamReader(tcp.GetStream(), Encoding.ASCII);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            return (await reader.ReadLineAsync(timeout.Token))?.StartsWith("* OK", StringComparison.Ordinal) == true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Who dovecot's processes run as: its system users under root, else the current user for everything.</summary>
    private static (string Internal, string Group, string Login, int Uid, int Gid) Users()
    {
        var status = File.ReadAllLines("/proc/self/status");
        int Id(string field) => int.Parse(status.First(l => l.StartsWith(field, StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        var (uid, gid) = (Id("Uid:"), Id("Gid:"));
        if (uid != 0)
        {
            return (Environment.UserName, GroupOf(gid) ?? Environment.UserName, Environment.UserName, uid, gid);
        }

        var dovecot = File.ReadAllLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f[0] == "dovecot")
                      ?? throw new InvalidOperationException("Running as root, dovecot needs its system user 'dovecot' (apt-get install dovecot-imapd creates it).");
        var dovecotGid = int.Parse(dovecot[3], CultureInfo.InvariantCulture);
        return ("dovecot", GroupOf(dovecotGid) ?? "dovecot", "dovenull", int.Parse(dovecot[2], CultureInfo.InvariantCulture), dovecotGid);
    }

    private static string? GroupOf(int gid) =>
        File.ReadAllLines("/etc/group").Select(l => l.Split(':')).FirstOrDefault(f => f.Length > 2 && f[2] == gid.ToString(CultureInfo.InvariantCulture))?[0];

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
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
        Directory.Delete(_directory, recursive: true);
    }
}
