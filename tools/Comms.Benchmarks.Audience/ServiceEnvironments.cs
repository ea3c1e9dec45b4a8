namespace Comms.Benchmarks.Audience;

/// <summary>The environment a benchmark starts the services in. Shared by every benchmark that starts services.</summary>
public static class ServiceEnvironments
{
    private static readonly string[] DevelopmentPasswords = ["", "comms", "guest", "postgres"];

    /// <summary>
    /// Testing when the broker's or the database's password is a development default (the services refuse those in any
    /// other environment, DevelopmentSecrets); else Production. Nothing else in the services depends on it.
    /// </summary>
    public static string For(string? databasePassword, string? rabbitPassword) =>
        DevelopmentPasswords.Contains((databasePassword ?? "").Trim(), StringComparer.OrdinalIgnoreCase) ||
        DevelopmentPasswords.Contains((rabbitPassword ?? "").Trim(), StringComparer.OrdinalIgnoreCase)
            ? "Testing"
            : "Production";
}
