using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Comms.Benchmarks.Sms;

/// <summary>
/// Where PostgreSQL and RabbitMQ are: localhost with comms/comms unless the COMMS_TEST_* variables the test
/// fixtures read (<c>tools/lib/infra.sh</c> exports them) say otherwise.
/// </summary>
public sealed record InfrastructureSettings(
    string PostgresAdmin,
    string RabbitHost,
    int RabbitPort,
    string RabbitUser,
    string RabbitPassword,
    Uri RabbitManagement)
{
    public const string Database = "comms_bench_sms";
    public const string VirtualHost = "comms-bench-sms";

    public static InfrastructureSettings FromEnvironment() => new(
        Env("COMMS_TEST_POSTGRES") ?? "Host=localhost;Port=5432;Username=comms;Password=comms",
        Env("COMMS_TEST_RABBITMQ_HOST") ?? "localhost",
        int.Parse(Env("COMMS_TEST_RABBITMQ_PORT") ?? "5672", CultureInfo.InvariantCulture),
        Env("COMMS_TEST_RABBITMQ_USER") ?? "comms",
        Env("COMMS_TEST_RABBITMQ_PASSWORD") ?? "comms",
        new Uri(Env("COMMS_TEST_RABBITMQ_MANAGEMENT") ?? "http://localhost:15672"));

    /// <summary>The environment to start the services in (<see cref="Audience.ServiceEnvironments"/>).</summary>
    public string ServiceEnvironment =>
        Audience.ServiceEnvironments.For(new NpgsqlConnectionStringBuilder(PostgresAdmin).Password, RabbitPassword);

    /// <summary>The benchmark's own database.</summary>
    public string DatabaseConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = Database }.ConnectionString;

    private string MaintenanceConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>Drops the benchmark database and creates it empty (the gateway's migrations fill in the schema).</summary>
    public async Task RecreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await DropDatabaseAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Database}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DropDatabaseAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes the benchmark virtual host and creates it afresh, with full permissions for the user.</summary>
    public async Task RecreateVirtualHostAsync(CancellationToken cancellationToken)
    {
        await DeleteVirtualHostAsync(cancellationToken);
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{VirtualHost}", Json("{}"), cancellationToken)).EnsureSuccessStatusCode();
        (await http.PutAsync(
            $"api/permissions/{VirtualHost}/{Uri.EscapeDataString(RabbitUser)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""),
            cancellationToken)).EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync(CancellationToken cancellationToken)
    {
        using var http = ManagementClient();
        using var response = await http.DeleteAsync($"api/vhosts/{VirtualHost}", cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The broker's version, from the management API.</summary>
    public async Task<string> RabbitVersionAsync(CancellationToken cancellationToken)
    {
        using var http = ManagementClient();
        using var overview = JsonDocument.Parse(await http.GetStringAsync("api/overview", cancellationToken));
        return overview.RootElement.TryGetProperty("rabbitmq_version", out var version) ? version.GetString() ?? "?" : "?";
    }

    /// <summary>
    /// The prefetch count of each consumer on <paramref name="queue"/> in the benchmark virtual host. The management API
    /// lists a consumer only after its next statistics refresh (every 5 s by default), so this asks for up to 15 s.
    /// </summary>
    public async Task<IReadOnlyList<int>> ConsumerPrefetchAsync(string queue, CancellationToken cancellationToken)
    {
        using var http = ManagementClient();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var consumers = JsonDocument.Parse(await http.GetStringAsync($"api/consumers/{VirtualHost}", cancellationToken));
            var prefetch = consumers.RootElement.EnumerateArray()
                .Where(c => c.TryGetProperty("queue", out var q) && q.TryGetProperty("name", out var name) && name.GetString() == queue)
                .Select(c => c.TryGetProperty("prefetch_count", out var count) ? count.GetInt32() : 0)
                .ToList();
            if (prefetch.Count > 0 || DateTime.UtcNow > deadline)
            {
                return prefetch;
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = RabbitManagement, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitUser}:{RabbitPassword}")));
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string? Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
