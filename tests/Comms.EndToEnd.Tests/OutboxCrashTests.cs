using System.Net;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The outbox's promise with a real process: an event accepted (committed) by a Scheduling process that then dies
/// before publishing is published by the next process that starts on the same database. Nothing is lost.
/// </summary>
public sealed class OutboxCrashTests : IAsyncLifetime
{
    private string _database = "";
    private string _virtualHost = "";

    public async ValueTask InitializeAsync()
    {
        _database = await TestInfrastructure.NewDatabaseAsync("crash");
        _virtualHost = await TestInfrastructure.NewVirtualHostAsync("crash");
    }

    [Fact]
    public async Task Event_committed_by_a_process_that_died_before_publishing_is_published_after_restart()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(_virtualHost);
        var published = await broker.BindQueueAsync("mis.events", "#");
        var port = ServiceProcess.FreePort();
        var eventId = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var booked = MisEvents.Booked(eventId, "A-" + eventId, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddDays(2));

        await using (var doomed = await SchedulingAsync(port, relayEnabled: false))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/mis/events")
            {
                Content = new StringContent(booked, Encoding.UTF8, "application/cloudevents+json"),
                Headers = { { "X-Api-Key", CommsSystem.ApiKey } },
            };
            using var response = await doomed.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await doomed.KillAsync();
        }

        Assert.Null(await broker.GetAsync(published));

        await using var restarted = await SchedulingAsync(port, relayEnabled: true);
        var relayed = await Eventually.GetAsync(() => broker.GetAsync(published), TimeSpan.FromSeconds(60), "the relayed event\n" + restarted.LogTail());
        Assert.Equal("appointment.booked", relayed.RoutingKey);
        Assert.Equal(eventId, JsonDocument.Parse(relayed.Body).RootElement.GetProperty("id").GetString());
        Assert.Null(await broker.GetAsync(published));
    }

    private async Task<ServiceProcess> SchedulingAsync(int port, bool relayEnabled)
    {
        var environment = await TestInfrastructure.ServiceEnvironmentAsync(_database, _virtualHost);
        environment["Outbox__RelayEnabled"] = relayEnabled ? "true" : "false";
        var process = new ServiceProcess("scheduling", "services/Scheduling", "Comms.Scheduling", port, environment);
        process.Start();
        await process.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(120));
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        await TestInfrastructure.DropDatabaseAsync(_database);
        await TestInfrastructure.DeleteVirtualHostAsync(_virtualHost);
    }
}
