using System.Globalization;

namespace Comms.Benchmarks.Audience;

/// <summary>What one process held in memory over a phase: its resident set sampled, and the kernel's own peak.</summary>
/// <param name="StartBytes">VmRSS when the phase began.</param>
/// <param name="PeakSampledBytes">The largest VmRSS of the samples.</param>
/// <param name="KernelPeakBytes">VmHWM at the end, when it could be reset at the start (else null: it would cover the process's whole life).</param>
public sealed record MemoryUsage(long StartBytes, long PeakSampledBytes, long EndBytes, long? KernelPeakBytes, int Samples, TimeSpan Every)
{
    /// <summary>The peak to quote: the kernel's when known (it misses nothing between samples), else the sampled one.</summary>
    public long PeakBytes => Math.Max(PeakSampledBytes, KernelPeakBytes ?? 0);
}

/// <summary>
/// Samples a process's resident set (VmRSS of /proc/PID/status) at a fixed interval. At the start it resets the
/// kernel's high-water mark (writing 5 to /proc/PID/clear_refs, allowed for one's own processes), so that VmHWM at
/// the end is the true peak of the phase, between samples included.
/// </summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly TimeSpan _every;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly long _start;
    private readonly bool _peakReset;
    private long _peak;
    private int _samples;

    private RssSampler(int pid, TimeSpan every)
    {
        _pid = pid;
        _every = every;
        _peakReset = TryResetPeak(pid);
        _start = Read(pid, "VmRSS") ?? 0;
        _peak = _start;
        _sampling = Task.Run(SampleAsync);
    }

    public static bool Supported => File.Exists("/proc/self/status");

    public static RssSampler Start(int pid, TimeSpan every) => new(pid, every);

    public static long? ResidentBytes(int pid) => Read(pid, "VmRSS");

    public async Task<MemoryUsage> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        var end = Read(_pid, "VmRSS") ?? 0;
        return new MemoryUsage(_start, Math.Max(_peak, end), end, _peakReset ? Read(_pid, "VmHWM") : null, _samples, _every);
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(_every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (Read(_pid, "VmRSS") is { } rss)
                {
                    _peak = Math.Max(_peak, rss);
                    _samples++;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A "Name:   1234 kB" line of /proc/PID/status, in bytes.</summary>
    private static long? Read(int pid, string name)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(name + ":", StringComparison.Ordinal))
                {
                    var kib = line[(name.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
