using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Comms.Benchmarks.Audience;

/// <summary>
/// Where PostgreSQL and RabbitMQ are: localhost with comms/comms unless the COMMS_TEST_* variables the test fixtures
/// read (<c>tools/lib/infra.sh</c> exports them) say otherwise. The benchmark's own database and virtual host are
/// created afresh for each run, so it never touches the services' or the tests' data. Each benchmark names them in its
/// own part of this record (<c>Database</c>, <c>VirtualHost</c>): the Inbox's benchmark shares this file.
/// </summary>
public sealed partial record InfrastructureSettings(
    string PostgresAdmin,
    string RabbitHost,
    int RabbitPort,
    string RabbitUser,
    string RabbitPassword,
    Uri RabbitManagement)
{
    public static InfrastructureSettings FromEnvironment() => new(
        Env("COMMS_TEST_POSTGRES") ?? "Host=localhost;Port=5432;Username=comms;Password=comms",
        Env("COMMS_TEST_RABBITMQ_HOST") ?? "localhost",
        int.Parse(Env("COMMS_TEST_RABBITMQ_PORT") ?? "5672", CultureInfo.InvariantCulture),
        Env("COMMS_TEST_RABBITMQ_USER") ?? "comms",
        Env("COMMS_TEST_RABBITMQ_PASSWORD") ?? "comms",
        new Uri(Env("COMMS_TEST_RABBITMQ_MANAGEMENT") ?? "http://localhost:15672"));

    /// <summary>The benchmark's own database.</summary>
    public string DatabaseConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = Database }.ConnectionString;

    public string DatabasePassword => new NpgsqlConnectionStringBuilder(PostgresAdmin).Password ?? "";

    private string MaintenanceConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = "postgres", Pooling = false }.ConnectionString;

    /// <summary>Drops the benchmark database (or another of the run's, by name) and creates it empty (the service's migrations fill in the schema).</summary>
    public async Task RecreateDatabaseAsync(CancellationToken cancellationToken, string name = Database)
    {
        await DropDatabaseAsync(cancellationToken, name);
        await MaintenanceAsync($"CREATE DATABASE \"{name}\"", cancellationToken);
    }

    public async Task DropDatabaseAsync(CancellationToken cancellationToken, string name = Database)
    {
        NpgsqlConnection.ClearAllPools();
        await MaintenanceAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", cancellationToken);
    }

    /// <summary>A connection string to one of the run's databases.</summary>
    public string ConnectionStringOf(string database) => new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = database }.ConnectionString;

    /// <summary>The environment to start the services in (<see cref="ServiceEnvironments"/>).</summary>
    public string ServiceEnvironment => ServiceEnvironments.For(DatabasePassword, RabbitPassword);

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

    private async Task MaintenanceAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(MaintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
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
