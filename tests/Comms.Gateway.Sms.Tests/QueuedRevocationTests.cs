using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

public sealed class QueuedRevocationTests(OneAtATimeGatewaySmsApp app) : IClassFixture<OneAtATimeGatewaySmsApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Revocation_while_messages_wait_in_the_queue_sends_none_of_them()
    {
        var phone = SendingTests.NewPhone();
        var bus = app.Services.GetRequiredService<IBus>();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await bus.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "sms", "service", true, "paper_form", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow));
        using var client = app.CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!.Length == 1,
            Patience, "the grant in the projection");
        // The provider answers the first send slowly; the gateway sends one at a time, so the rest wait in its queue.
        using (var fault = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "smsru", to = phone, delayMs = 4000, times = 1 }))
        {
            fault.EnsureSuccessStatusCode();
        }

        var commands = Enumerable.Range(0, 5).Select(i => new SendSms(Guid.CreateVersion7(), "msk-1", "P-1", $"A-{i}", phone,
            $"Напоминание {i}", "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow)).ToList();
        foreach (var command in commands)
        {
            await bus.Publish(command);
        }

        await Eventually.TrueAsync(async () => (await app.Simulator.Http.GetStringAsync("sim/requests")).Contains(phone.TrimStart('+'), StringComparison.Ordinal),
            Patience, "the first send at the provider");
        await bus.Publish(new ConsentChanged(sequence + 1, "msk-1", "P-1", phone, "sms", "service", false, "paper_form", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(async () => !(await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))![0].GetProperty("granted").GetBoolean(),
            TimeSpan.FromSeconds(3), "the revocation in the projection while the first send is still at the provider");

        var statuses = new List<string>();
        foreach (var command in commands)
        {
            var message = await Eventually.GetAsync<JsonElement>(async () =>
            {
                using var response = await client.GetAsync($"/api/v1/messages/{command.MessageId}");
                var m = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
                return m.ValueKind == JsonValueKind.Object && m.GetProperty("status").GetString() is "accepted" or "blocked" or "failed-permanent" ? m : null;
            }, Patience, $"a final status for {command.MessageId}");
            statuses.Add(message.GetProperty("status").GetString()!);
        }

        // The one already at the provider when consent was revoked went; none of those still waiting did.
        Assert.Equal(1, statuses.Count(s => s == "accepted"));
        Assert.Equal(4, statuses.Count(s => s == "blocked"));
        Assert.Single((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!);
    }
}
