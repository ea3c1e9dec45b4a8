using Microsoft.Extensions.Hosting;

namespace Comms.ServiceDefaults.Access;

/// <summary>
/// The passwords the development stack ships with (the broker's and the database's <c>comms</c>, RabbitMQ's
/// <c>guest</c>, PostgreSQL's <c>postgres</c>, or none at all). They are accepted only in Development and in the test
/// suite's Testing environment: anywhere else the service refuses to start and names the setting, so a copy of the
/// development settings can never carry patients' data in production.
/// </summary>
public static class DevelopmentSecrets
{
    public const string TestingEnvironment = "Testing";

    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase) { "comms", "guest", "postgres" };

    public static bool AreAllowed(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment(TestingEnvironment);

    public static bool IsDevelopmentDefault(string? password) => string.IsNullOrWhiteSpace(password) || Known.Contains(password.Trim());

    /// <summary>Throws, naming <paramref name="setting"/>, when a development default is used where it must not be.</summary>
    public static void Require(IHostEnvironment environment, string setting, string? password, string whereItComesFrom)
    {
        if (!AreAllowed(environment) && IsDevelopmentDefault(password))
        {
            throw new InvalidOperationException(
                $"{setting} is empty or a development default, which is refused in the {environment.EnvironmentName} environment: " +
                $"set it from your secret ({whereItComesFrom}).");
        }
    }
}
