using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The consent projection when the ledger's changes of one contact are consumed side by side.</summary>
public sealed class ConsentProjectionConcurrencyTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    private const string Queue = "gateway-sms-consent-changed";

    [Fact]
    public async Task A_grant_and_its_withdrawal_at_once_end_withdrawn_and_nothing_is_logged_as_a_failure()
    {
        var bus = app.Services.GetRequiredService<IBus>();
        var since = DateTimeOffset.UtcNow;
        var finished = app.Received.Finished(Queue);
        var phones = Enumerable.Range(0, 12).Select(_ => SendingTests.NewPhone()).Distinct().ToList();
        var sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;
        var now = DateTimeOffset.UtcNow;

        foreach (var phone in phones)
        {
            sequence += 2;
            await bus.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "sms", "service", true, "mis_checkbox", now, now));
            await bus.Publish(new ConsentChanged(sequence + 1, "msk-1", "P-1", phone, "sms", "service", false, "mis_checkbox", now, now));
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(Queue) >= finished + (2 * phones.Count)),
            SmsDriver.Patience, "every change consumed");
        using var client = app.CreateClient();
        foreach (var phone in phones)
        {
            var state = Assert.Single((await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!);
            Assert.False(state.GetProperty("granted").GetBoolean(), state.ToString());
        }

        var problems = app.Logs.AtLeast(LogLevel.Warning, since);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
