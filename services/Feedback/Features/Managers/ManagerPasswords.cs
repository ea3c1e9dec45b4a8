using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Comms.Feedback.Features.Managers;

/// <summary>
/// Managers' passwords are configured as PBKDF2 hashes, never as given:
/// <c>pbkdf2-sha256$&lt;iterations&gt;$&lt;salt, base64&gt;$&lt;hash, base64&gt;</c>.
/// </summary>
public static class ManagerPasswords
{
    public const string Prefix = "pbkdf2-sha256";
    public const int MinimumIterations = 100_000;
    public const int DefaultIterations = 600_000;

    // Checked when no account has the name, so that an unknown name takes as long as a wrong password.
    private static readonly string Decoy = Hash(Guid.NewGuid().ToString(), MinimumIterations);

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Why <paramref name="configured"/> is not a usable hash, or null when it is.</summary>
    public static string? Problem(string? configured) =>
        Parse(configured) is null
            ? $"must be '{Prefix}$<iterations ≥ {MinimumIterations}>$<salt, base64>$<hash, base64>' (see docs/configuration.md to make one)"
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

    /// <summary>The account with that name (any case) and that password; the work done does not tell which was wrong.</summary>
    public static ManagerAccount? Find(IEnumerable<ManagerAccount> accounts, string name, string password)
    {
        var account = accounts.FirstOrDefault(a => string.Equals(a.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        var matches = Verify(password, account?.PasswordHash ?? Decoy);
        return account is not null && matches && password.Length > 0 ? account : null;
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
