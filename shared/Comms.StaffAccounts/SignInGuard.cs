using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comms.StaffAccounts;

/// <summary>Why an attempt was not even checked, and for how long the next one will not be.</summary>
public sealed record SignInRefusal(TimeSpan RetryAfter, bool Locked);

/// <summary>An attempt the guard let through and counted: its keys' counts as they are if the password is wrong.</summary>
internal sealed record SignInAttempt(IReadOnlyList<SignInAttempt.Count> Counts, DateTimeOffset At)
{
    public sealed record Count(string Key, string Kind, int Failures, DateTimeOffset NotBefore, bool Locked);

    /// <summary>How long the next attempt waits if this one was wrong; zero for none.</summary>
    public TimeSpan NextWait => Counts.Select(c => c.NotBefore - At).DefaultIfEmpty(TimeSpan.Zero).Max();

    public bool Locks => Counts.Any(c => c.Locked);
}

/// <summary>The counting rule of <see cref="StaffLockoutOptions"/>, without the database.</summary>
internal static class LockoutRule
{
    public static bool IsForgotten(SignInThrottle row, StaffLockoutOptions options, DateTimeOffset now) =>
        row.LastFailedAt + options.ForgetAfter <= now;

    public static SignInRefusal? Waiting(SignInThrottle? row, StaffLockoutOptions options, DateTimeOffset now) =>
        row is not null && !IsForgotten(row, options, now) && row.NotBefore > now ? new SignInRefusal(row.NotBefore - now, row.Locked) : null;

    /// <summary>The count after one more failure, and until when the next attempt waits.</summary>
    public static (int Failures, DateTimeOffset NotBefore, bool Locked) AfterFailure(
        SignInThrottle? row, int freeFailures, int lockAfter, StaffLockoutOptions options, DateTimeOffset now)
    {
        var failures = (row is null || IsForgotten(row, options, now) ? 0 : row.Failures) + 1;
        if (failures >= lockAfter)
        {
            return (failures, now + options.LockFor, true);
        }

        if (failures <= freeFailures)
        {
            return (failures, now, false);
        }

        var seconds = Math.Min(options.MaxDelay.TotalSeconds, options.FirstDelay.TotalSeconds * Math.Pow(2, failures - freeFailures - 1));
        return (failures, now + TimeSpan.FromSeconds(seconds), false);
    }
}

/// <summary>
/// Counts sign-in attempts per account name and per client address in the service's database (see
/// <see cref="StaffLockoutOptions"/>). An attempt is counted before its password is checked, and the count is written
/// only if no other replica wrote it meanwhile, so guesses sent in parallel cannot slip past a wait; a right password
/// then clears the counts. An attempt made during a delay is refused unchecked but counted; one made during a lockout
/// is refused and not counted.
/// </summary>
internal sealed partial class SignInGuard(
    IServiceScopeFactory scopes,
    StaffStore store,
    IOptionsMonitor<StaffLockoutOptions> options,
    TimeProvider time,
    ILogger<SignInGuard> logger)
{
    private const int Tries = 10;

    /// <summary>The attempt, counted; or why it is refused unchecked.</summary>
    public async Task<(SignInAttempt? Attempt, SignInRefusal? Refusal)> BeginAsync(string name, string? address, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var keys = Keys(name, address, settings);
        var ids = keys.Select(k => k.Key).ToList();
        for (var @try = 0; @try < Tries; @try++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = store.Resolve(scope.ServiceProvider);
            var now = time.GetUtcNow();
            var rows = await db.Set<SignInThrottle>().Where(t => ids.Contains(t.Key)).ToDictionaryAsync(t => t.Key, cancellationToken);
            var waits = keys.Select(k => (k.Key, k.Kind, Refusal: LockoutRule.Waiting(rows.GetValueOrDefault(k.Key), settings, now)))
                .Where(w => w.Refusal is not null).ToList();
            if (waits.Where(w => w.Refusal!.Locked).OrderByDescending(w => w.Refusal!.RetryAfter).FirstOrDefault() is { Refusal: not null } lockout)
            {
                // Locked: refused unchecked and not counted, so the lockout ends when the page said it would.
                LogRefused(logger, lockout.Kind, Digest(lockout.Key), lockout.Refusal.RetryAfter);
                return (null, lockout.Refusal);
            }

            var counts = new List<SignInAttempt.Count>();
            foreach (var (key, kind, free, lockAfter) in keys)
            {
                var row = rows.GetValueOrDefault(key);
                var (failures, notBefore, locked) = LockoutRule.AfterFailure(row, free, lockAfter, settings, now);
                counts.Add(new SignInAttempt.Count(key, kind, failures, notBefore, locked));
                if (row is null)
                {
                    row = new SignInThrottle { Key = key };
                    db.Set<SignInThrottle>().Add(row);
                }

                (row.Failures, row.LastFailedAt, row.NotBefore, row.Locked, row.Version) = (failures, now, notBefore, locked, Guid.NewGuid());
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another attempt on the same key was counted first (a changed version, or a row inserted twice): count again.
                continue;
            }

            var forgotten = now - settings.ForgetAfter;
            await db.Set<SignInThrottle>().Where(t => t.LastFailedAt < forgotten).ExecuteDeleteAsync(cancellationToken);
            var attempt = new SignInAttempt(counts, now);
            if (waits.Count > 0)
            {
                // Too soon after the last failure: refused unchecked, yet counted, so hammering reaches the lockout sooner.
                var waiting = waits.MaxBy(w => w.Refusal!.RetryAfter);
                LogRefused(logger, waiting.Kind, Digest(waiting.Key), waiting.Refusal!.RetryAfter);
                LogLocks(attempt);
                return (null, new SignInRefusal(attempt.NextWait, attempt.Locks));
            }

            return (attempt, null);
        }

        // Counting kept colliding: the same key is being tried many times at once.
        return (null, new SignInRefusal(TimeSpan.FromSeconds(1), Locked: false));
    }

    /// <summary>The password was wrong: the attempt stays counted.</summary>
    public void Failed(SignInAttempt attempt)
    {
        LogLocks(attempt);
        LogFailed(logger, string.Join(", ", attempt.Counts.Select(c => $"{c.Kind} {Digest(c.Key)}: {c.Failures}")));
    }

    private void LogLocks(SignInAttempt attempt)
    {
        foreach (var count in attempt.Counts.Where(c => c.Locked))
        {
            LogLocked(logger, count.Kind, Digest(count.Key), count.Failures, count.NotBefore);
        }
    }

    /// <summary>The password was right: the account's and the address's counts start again.</summary>
    public async Task SucceededAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = store.Resolve(scope.ServiceProvider);
        var ids = attempt.Counts.Select(c => c.Key).ToList();
        await db.Set<SignInThrottle>().Where(t => ids.Contains(t.Key)).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The table key of an account name (any case): <c>account:</c> and a SHA-256 digest.</summary>
    internal static string AccountKey(string name) => "account:" + Sha256(name.Trim().ToUpperInvariant());

    internal static string AddressKey(string address) => "address:" + Sha256(address);

    private static List<(string Key, string Kind, int Free, int LockAfter)> Keys(string name, string? address, StaffLockoutOptions settings)
    {
        var keys = new List<(string, string, int, int)> { (AccountKey(name), "account", settings.FreeFailures, settings.LockAfter) };
        if (address is not null)
        {
            keys.Add((AddressKey(address), "address", settings.AddressFreeFailures, settings.AddressLockAfter));
        }

        return keys;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The first characters of the key's digest: enough to find its row, neither the name nor the address.</summary>
    private static string Digest(string key) => key.Substring(key.IndexOf(':', StringComparison.Ordinal) + 1, 12);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff sign-in failed ({Counts} wrong in a row)")]
    private static partial void LogFailed(ILogger logger, string counts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff sign-in locked for {Kind} {Key} after {Failures} wrong passwords in a row, until {Until:O}")]
    private static partial void LogLocked(ILogger logger, string kind, string key, int failures, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Staff sign-in refused unchecked: {Kind} {Key} waits {RetryAfter}")]
    private static partial void LogRefused(ILogger logger, string kind, string key, TimeSpan retryAfter);
}

/// <summary>The service's DbContext, as the staff pieces reach it.</summary>
internal sealed class StaffStore(Func<IServiceProvider, DbContext> resolve)
{
    public DbContext Resolve(IServiceProvider services) => resolve(services);
}
