using System.Net.Http.Json;
using System.Text.Json;
using Comms.Consent.Persistence;
using Comms.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Comms.Consent.Tests;

/// <summary>Reads the ledger the way its users do (the HTTP API) and watches what it publishes.</summary>
internal static class Ledger
{
    public const string ConsentChangedExchange = "Comms.Contracts.Consent:ConsentChanged";
    public const string CommsEventsExchange = "comms.events";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<JsonElement> GetAsync(ConsentApp app, string contact)
    {
        using var client = app.CreateAdminClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents?contact={Uri.EscapeDataString(contact)}", TestContext.Current.CancellationToken);
    }

    public static Task<JsonElement> WaitForHistoryAsync(ConsentApp app, string contact, int records) =>
        Eventually.GetAsync<JsonElement>(
            async () => await GetAsync(app, contact) is var ledger && ledger.GetProperty("history").GetArrayLength() >= records ? ledger : null,
            Patience,
            $"{records} consent record(s) for {contact}");

    public static JsonElement Current(JsonElement ledger, string channel, string purpose) =>
        ledger.GetProperty("current").EnumerateArray()
            .Single(c => c.GetProperty("channel").GetString() == channel && c.GetProperty("purpose").GetString() == purpose);

    /// <summary>A queue bound to the ConsentChanged fanout exchange the gateways' projections read.</summary>
    public static Task<string> WatchConsentChangedAsync(RabbitQueueProbe probe) =>
        probe.BindQueueAsync(ConsentChangedExchange, "", ExchangeType.Fanout);

    public static Task<JsonElement> NextConsentChangedAsync(RabbitQueueProbe probe, string queue, string contact) =>
        Eventually.GetAsync<JsonElement>(
            async () => await DrainConsentChangedAsync(probe, queue, contact, take: 1) is [var first] ? first : null,
            Patience,
            $"ConsentChanged for {contact}");

    /// <summary>Waits until <paramref name="count"/> ConsentChanged messages for the contact have arrived.</summary>
    public static async Task<List<JsonElement>> ConsentChangedAsync(RabbitQueueProbe probe, string queue, string contact, int count)
    {
        var found = new List<JsonElement>();
        await Eventually.TrueAsync(async () =>
        {
            found.AddRange(await DrainConsentChangedAsync(probe, queue, contact));
            return found.Count >= count;
        }, Patience, $"{count} ConsentChanged for {contact}");
        return found;
    }

    public static async Task<List<JsonElement>> DrainConsentChangedAsync(RabbitQueueProbe probe, string queue, string contact, int take = int.MaxValue)
    {
        var found = new List<JsonElement>();
        while (found.Count < take && await probe.GetAsync(queue) is { } received)
        {
            var message = JsonDocument.Parse(received.Body).RootElement.GetProperty("message").Clone();
            if (message.GetProperty("contact").GetString() == contact)
            {
                found.Add(message);
            }
        }

        return found;
    }

    /// <summary>The next <c>consent.changed</c> CloudEvent on comms.events for the contact.</summary>
    public static Task<JsonElement> NextMisEventAsync(RabbitQueueProbe probe, string queue, string contact) =>
        Eventually.GetAsync<JsonElement>(
            async () =>
            {
                while (await probe.GetAsync(queue) is { } received)
                {
                    var cloudEvent = JsonDocument.Parse(received.Body).RootElement.Clone();
                    if (cloudEvent.GetProperty("data").GetProperty("contact").GetString() == contact)
                    {
                        Assert.Equal("consent.changed", received.RoutingKey);
                        return cloudEvent;
                    }
                }

                return null;
            },
            Patience,
            $"consent.changed for {contact} on comms.events");

    public static async Task<List<ConsentRecord>> RecordsAsync(ConsentApp app, string contact)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return await db.ConsentRecords.AsNoTracking().Where(r => r.Contact == contact).OrderBy(r => r.Id).ToListAsync();
    }

    public static async Task<bool> OutboxIsEmptyAsync(ConsentApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return !await db.OutboxMessages.AnyAsync();
    }

    /// <summary>A phone number no other test uses: +7 916 NNN-NN-NN.</summary>
    public static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
