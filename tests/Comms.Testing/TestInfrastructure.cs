using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Comms.Testing;

/// <summary>
/// The real PostgreSQL and RabbitMQ the tests run against. <c>tools/test</c> starts them from the OS packages and
/// exports COMMS_TEST_*; without those variables, Testcontainers starts them when a Docker engine is reachable.
/// Each test gets its own database and its own RabbitMQ virtual host, so test projects run side by side.
/// </summary>
public static class TestInfrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Endpoints? _endpoints;

    public sealed record Endpoints(
        string PostgresAdmin,
        string RabbitHost,
        int RabbitPort,
        string RabbitUser,
        string RabbitPassword,
        Uri RabbitManagement);

    public static async Task<Endpoints> GetAsync()
    {
        if (_endpoints is not null)
        {
            return _endpoints;
        }

        await Gate.WaitAsync();
        try
        {
            return _endpoints ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<Endpoints> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("COMMS_TEST_POSTGRES");
        var rabbitHost = Environment.GetEnvironmentVariable("COMMS_TEST_RABBITMQ_HOST");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(rabbitHost))
        {
            return new Endpoints(
                postgres,
                rabbitHost,
                int.Parse(Environment.GetEnvironmentVariable("COMMS_TEST_RABBITMQ_PORT") ?? "5672", System.Globalization.CultureInfo.InvariantCulture),
                Environment.GetEnvironmentVariable("COMMS_TEST_RABBITMQ_USER") ?? "comms",
                Environment.GetEnvironmentVariable("COMMS_TEST_RABBITMQ_PASSWORD") ?? "comms",
                new Uri(Environment.GetEnvironmentVariable("COMMS_TEST_RABBITMQ_MANAGEMENT") ?? "http://localhost:15672"));
        }

        // No servers given: start them in Docker. This fails with Testcontainers' own message when no engine runs:
        // then run the tests through tools/test, which starts the servers from the OS packages.
        var pg = new PostgreSqlBuilder("postgres:15").WithUsername("comms").WithPassword("comms").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.10-management").WithUsername("comms").WithPassword("comms")
            .WithPortBinding(15672, true).Build();
        try
        {
            await Task.WhenAll(pg.StartAsync(), rabbit.StartAsync());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                "The tests need PostgreSQL and RabbitMQ: COMMS_TEST_POSTGRES / COMMS_TEST_RABBITMQ_* are not set and no Docker engine " +
                "could start them. Run the tests with ./tools/test, which starts both from the OS packages.", ex);
        }

        var admin = new NpgsqlConnectionStringBuilder(pg.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        return new Endpoints(
            admin,
            rabbit.Hostname,
            rabbit.GetMappedPublicPort(5672),
            "comms",
            "comms",
            new Uri($"http://{rabbit.Hostname}:{rabbit.GetMappedPublicPort(15672)}"));
    }

    /// <summary>A connection string to a database name no other test uses (created by the service's migrations).</summary>
    public static async Task<string> NewDatabaseAsync(string prefix)
    {
        var endpoints = await GetAsync();
        var name = $"test_{prefix}_{Guid.NewGuid():N}"[..40];
        return new NpgsqlConnectionStringBuilder(endpoints.PostgresAdmin) { Database = name, Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var endpoints = await GetAsync();
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(endpoints.PostgresAdmin) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A fresh RabbitMQ virtual host with full permissions for the test user.</summary>
    public static async Task<string> NewVirtualHostAsync(string prefix)
    {
        var endpoints = await GetAsync();
        var name = $"test-{prefix}-{Guid.NewGuid():N}"[..36];
        using var http = ManagementClient(endpoints);
        (await http.PutAsync($"api/vhosts/{name}", Json("{}"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"api/permissions/{name}/{endpoints.RabbitUser}", Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
        return name;
    }

    /// <summary>
    /// Sets what the test user may publish to in <paramref name="virtualHost"/> (a regular expression over exchange
    /// names; configure and read stay full): a broker that refuses one exchange, touching no other test.
    /// </summary>
    public static async Task SetWritePermissionAsync(string virtualHost, string write)
    {
        var endpoints = await GetAsync();
        using var http = ManagementClient(endpoints);
        var body = System.Text.Json.JsonSerializer.Serialize(new { configure = ".*", write, read = ".*" });
        (await http.PutAsync($"api/permissions/{virtualHost}/{endpoints.RabbitUser}", Json(body))).EnsureSuccessStatusCode();
    }

    public static async Task DeleteVirtualHostAsync(string name)
    {
        var endpoints = await GetAsync();
        using var http = ManagementClient(endpoints);
        await http.DeleteAsync($"api/vhosts/{name}");
    }

    /// <summary>Configuration that points a service at the test servers (env-var style keys work too).</summary>
    public static async Task<Dictionary<string, string?>> ServiceSettingsAsync(string database, string virtualHost)
    {
        var endpoints = await GetAsync();
        return new Dictionary<string, string?>
        {
            ["ConnectionStrings:Database"] = database,
            ["RabbitMq:Host"] = endpoints.RabbitHost,
            ["RabbitMq:Port"] = endpoints.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RabbitMq:Username"] = endpoints.RabbitUser,
            ["RabbitMq:Password"] = endpoints.RabbitPassword,
            ["RabbitMq:VirtualHost"] = virtualHost,
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Operators:ApiKeys:0:Name"] = "chain-it",
            ["Operators:ApiKeys:0:Key"] = TestKeys.Operator,
        };
    }

    /// <summary>The same settings as environment variables, for a service started as a process.</summary>
    public static async Task<Dictionary<string, string>> ServiceEnvironmentAsync(string database, string virtualHost) =>
        (await ServiceSettingsAsync(database, virtualHost))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    private static HttpClient ManagementClient(Endpoints endpoints)
    {
        var http = new HttpClient { BaseAddress = endpoints.RabbitManagement };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoints.RabbitUser}:{endpoints.RabbitPassword}")));
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
