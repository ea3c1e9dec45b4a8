using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Comms.StaffAccounts;

/// <summary>
/// Staff passwords are configured as PBKDF2-HMAC-SHA256 hashes, never as given:
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;</c>. The command
/// <c>tools/Comms.StaffPassword</c> prints one.
/// </summary>
public static class StaffPasswords
{
    public const string Prefix = "pbkdf2-sha256";
    public const int MinimumIterations = 100_000;

    /// <summary>OWASP's figure for PBKDF2-HMAC-SHA256 (2023).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>What every message about a missing or unusable hash ends with.</summary>
    public const string HowToMakeOne =
        "make one with `dotnet run --project tools/Comms.StaffPassword` (it reads the password from standard input) and put the line it prints here; see docs/configuration.md";

    // Checked when no account has the name, so that an unknown name costs as much work as a wrong password: one decoy
    // per iteration count, the count of the costliest configured hash.
    private static readonly ConcurrentDictionary<int, string> Decoys = new();

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumIterations);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Why <paramref name="configured"/> is not a usable hash, or null when it is.</summary>
    public static string? Problem(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? $"is required: the password's hash, never the password itself; {HowToMakeOne}"
            : Parse(configured) is null
                ? $"is not a password hash ('{Prefix}$<iterations ≥ {MinimumIterations}>$<salt, base64>$<hash, base64>'); a password is never configured as such: {HowToMakeOne}"
                : null;

    public static bool Verify(string password, string configured)
    {
        if (Parse(configured) is not var (iterations, salt, expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// The account with that name (any case, spaces around ignored) and that password. Exactly one hash is computed
    /// whatever the outcome, as costly for an unknown name as for a known one, so the answer's timing tells nothing.
    /// </summary>
    public static StaffAccount? Find(IReadOnlyCollection<StaffAccount> accounts, string name, string password)
    {
        var account = accounts.FirstOrDefault(a => StaffAccount.SameName(a.Name, name));
        var matches = Verify(password, account?.PasswordHash ?? Decoy(accounts));
        return account is not null && matches && password.Length > 0 ? account : null;
    }

    /// <summary>A short digest of the hash: a cookie issued before the password changed no longer signs anybody in.</summary>
    internal static string Stamp(string configured) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(configured)), 0, 8);

    private static string Decoy(IReadOnlyCollection<StaffAccount> accounts)
    {
        var iterations = accounts.Select(a => Parse(a.PasswordHash)?.Iterations ?? 0).DefaultIfEmpty(0).Max();
        return Decoys.GetOrAdd(Math.Max(iterations, MinimumIterations), count => Hash(Guid.NewGuid().ToString(), count));
    }

    private static (int Iterations, byte[] Salt, byte[] Hash)? Parse(string? configured)
    {
        var parts = configured?.Split('$');
        if (parts is not [Prefix, var iterationsText, var saltText, var hashText]
            || !int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinimumIterations)
        {
            return null;
        }

        try
        {
            var (salt, hash) = (Convert.FromBase64String(saltText), Convert.FromBase64String(hashText));
            return salt.Length >= 16 && hash.Length >= 32 ? (iterations, salt, hash) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
