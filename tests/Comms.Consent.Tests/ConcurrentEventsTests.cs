using Comms.Testing;
using Microsoft.Extensions.Logging;

namespace Comms.Consent.Tests;

/// <summary>Copies of one MIS consent event published in one burst, so the endpoint's concurrent consumers take them together.</summary>
public sealed class ConcurrentEventsTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Fact]
    public async Task Two_copies_of_one_consent_event_at_once_are_recorded_once_and_nothing_is_logged_as_a_failure()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var since = DateTimeOffset.UtcNow;
        var finished = app.Received.Finished(ConsentApp.MisQueue);
        var phones = Enumerable.Range(0, 12).Select(i => $"+7903{Random.Shared.Next(1_000_000, 9_999_999)}").Distinct().ToList();

        foreach (var phone in phones)
        {
            var body = MisEvents.ConsentChanged(MisEvents.NewEventId(), phone: phone);
            await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, body);
            await probe.PublishAsync(MisEvents.Exchange, MisEvents.RoutingKey, body);
        }

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ConsentApp.MisQueue) >= finished + (2 * phones.Count)),
            TimeSpan.FromSeconds(30), "every copy handled");
        foreach (var phone in phones)
        {
            var ledger = await Ledger.WaitForHistoryAsync(app, phone, 1);
            Assert.Single(ledger.GetProperty("history").EnumerateArray());
        }

        var problems = app.Logs.AtLeast(LogLevel.Warning, since);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
