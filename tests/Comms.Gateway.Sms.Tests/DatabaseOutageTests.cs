using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.ServiceDefaults.Messaging;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The gateway with its PostgreSQL behind a proxy the test can cut: its database, and only its, goes away.</summary>
public sealed class UnreliableDatabaseGatewaySmsApp : GatewaySmsApp
{
    public TcpProxy DatabaseProxy { get; private set; } = null!;

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        await base.ConfigureAsync(settings);
        var direct = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Database"]);
        DatabaseProxy = TcpProxy.Start(direct.Host!, direct.Port);
        settings["ConnectionStrings:Database"] = new NpgsqlConnectionStringBuilder(direct.ConnectionString)
        {
            Host = "127.0.0.1",
            Port = DatabaseProxy.Port,
        }.ConnectionString;
        // The production back-off (up to 2 min between tries) would only make the test wait longer after the outage.
        settings["MessageRetry:MaxInterval"] = "00:00:05";
    }

    protected override async ValueTask ReleaseAsync()
    {
        await base.ReleaseAsync();
        await DatabaseProxy.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL away for a minute while commands and consent changes keep arriving: nothing ends in an _error queue,
/// and once it is back every SMS goes out exactly once and every consent change is applied.
/// </summary>
public sealed class DatabaseOutageTests(UnreliableDatabaseGatewaySmsApp app) : IClassFixture<UnreliableDatabaseGatewaySmsApp>
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_minute_without_the_database_under_traffic_dead_letters_nothing_and_everything_goes_out_once_after()
    {
        var sms = new SmsDriver(app);
        var bus = app.Services.GetRequiredService<IBus>();
        var phones = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            phones.Add(await sms.PatientWithConsentAsync());
        }

        var revoked = await sms.PatientWithConsentAsync();

        // Traffic before: ten SMS sent and settled, so none is half-way through a provider call when the cut comes.
        var before = new List<Guid>();
        foreach (var phone in phones[..10])
        {
            before.Add(await sms.SendAsync(phone, "msk-1"));
        }

        foreach (var id in before)
        {
            await sms.WaitForStatusAsync(id, "accepted");
        }

        app.DatabaseProxy.Cut();
        var cutAt = DateTime.UtcNow;

        // Traffic during: ten more SMS and a consent withdrawal, each failing on the database it cannot reach.
        var during = new List<Guid>();
        foreach (var phone in phones[10..])
        {
            during.Add(await sms.SendAsync(phone, "msk-1"));
        }

        var revocation = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;
        await bus.Publish(new ConsentChanged(revocation, "msk-1", "P-1", revoked, "sms", "service", false, "paper_form", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

        // The outage is the scenario, not a wait for something: it lasts a minute (the old retries gave up after 8 s),
        // and the gateway is seen knocking on the closed door throughout.
        await Eventually.TrueAsync(() => Task.FromResult(app.DatabaseProxy.Refused >= 10), Outage, "the gateway trying its database");
        var rest = Outage - (DateTime.UtcNow - cutAt);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        Assert.Equal(0u, await ErrorQueueMessagesAsync());
        app.DatabaseProxy.Restore();

        foreach (var id in during)
        {
            await sms.WaitForStatusAsync(id, "accepted", Patience);
        }

        using var client = app.CreateClient();
        await Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(revoked)}"))!
                .Any(c => c.GetProperty("sequence").GetInt64() == revocation && !c.GetProperty("granted").GetBoolean()),
            Patience, "the withdrawal applied");

        foreach (var phone in phones)
        {
            Assert.Single(await sms.InboxAsync(phone));
        }

        foreach (var id in before.Concat(during))
        {
            Assert.Single(await sms.AttemptsAsync(id));
        }

        Assert.Equal(0u, await ErrorQueueMessagesAsync());
    }

    private async Task<uint> ErrorQueueMessagesAsync()
    {
        var counter = app.Services.GetRequiredService<BrokerQueueCounter>();
        var total = 0u;
        foreach (var queue in app.Services.GetRequiredService<ReceiveQueues>().Names)
        {
            total += await counter.CountAsync(queue + "_error", CancellationToken.None);
        }

        return total;
    }
}
