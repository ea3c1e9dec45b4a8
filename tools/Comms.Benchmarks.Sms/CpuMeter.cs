using System.Globalization;

namespace Comms.Benchmarks.Sms;

/// <summary>
/// Cores' worth of CPU (1.0 = one core fully busy) used between two snapshots: the whole machine, and the parts of
/// the benchmark. <see cref="Others"/> is whatever else ran: anything well above zero disturbed the measurement.
/// </summary>
public sealed record CpuUsage(
    TimeSpan Wall, double Machine, double Gateway, double Simulator, double Postgres, double Rabbit, double Benchmark)
{
    public double Others => Math.Max(0, Machine - Gateway - Simulator - Postgres - Rabbit - Benchmark);
}

/// <summary>
/// CPU counters from /proc (Linux): the machine's busy time and each process's (with its reaped children's), so the
/// gateway, the simulator, PostgreSQL (every <c>postgres</c> process) and RabbitMQ (<c>beam.smp</c>) are told apart
/// from other work on the machine.
/// </summary>
public sealed record CpuSnapshot(DateTimeOffset At, long MachineBusyTicks, IReadOnlyDictionary<int, (string Name, long Ticks)> Processes)
{
    /// <summary>USER_HZ of /proc: 100 on every Linux that .NET runs on.</summary>
    private const double ClockTicksPerSecond = 100;

    public static bool Supported => File.Exists("/proc/stat");

    public static CpuSnapshot? TakeIfSupported() => Supported ? Take() : null;

    public static CpuSnapshot Take()
    {
        var processes = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                TryReadProcess(directory, out var name, out var ticks))
            {
                processes[pid] = (name, ticks);
            }
        }

        return new CpuSnapshot(DateTimeOffset.UtcNow, ReadMachineBusyTicks(), processes);
    }

    /// <param name="gatewayPid">Null when the gateway is not running (the raw RabbitMQ baseline).</param>
    public CpuUsage Since(CpuSnapshot start, int? gatewayPid, int? simulatorPid)
    {
        var seconds = (At - start.At).TotalSeconds;
        double Cores(long ticks) => ticks / ClockTicksPerSecond / seconds;
        long Used(Func<int, string, bool> which) => Processes
            .Where(p => which(p.Key, p.Value.Name))
            .Sum(p => p.Value.Ticks - (start.Processes.TryGetValue(p.Key, out var before) && before.Name == p.Value.Name ? before.Ticks : 0));

        var self = Environment.ProcessId;
        return new CpuUsage(
            At - start.At,
            Cores(MachineBusyTicks - start.MachineBusyTicks),
            Cores(Used((pid, _) => pid == gatewayPid)),
            Cores(Used((pid, _) => pid == simulatorPid)),
            Cores(Used((_, name) => name == "postgres")),
            Cores(Used((_, name) => name == "beam.smp")),
            Cores(Used((pid, _) => pid == self)));
    }

    /// <summary>Busy ticks of all cores: the "cpu" line of /proc/stat less idle and iowait.</summary>
    private static long ReadMachineBusyTicks()
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        return fields.Take(8).Sum() - fields[3] - fields[4];
    }

    /// <summary>The name and utime + stime of one process from /proc/PID/stat.</summary>
    private static bool TryReadProcess(string directory, out string name, out long ticks)
    {
        name = "";
        ticks = 0;
        string stat;
        try
        {
            stat = File.ReadAllText(Path.Combine(directory, "stat"));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid ..." where comm may hold spaces and parentheses: it ends at the last ')'.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return false;
        }

        name = stat[(open + 1)..close];
        var fields = stat[(close + 2)..].Split(' ');
        // After the comm: utime, stime, cutime, cstime are fields 14 to 17 of proc(5). The children's times count for
        // the parent that reaped them: PostgreSQL's parallel workers live for one query only.
        ticks = fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
        return true;
    }
}
