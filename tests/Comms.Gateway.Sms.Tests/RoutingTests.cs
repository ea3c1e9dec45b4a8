using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Failover between provider accounts, health, flagged numbers and cost, against the real simulator.</summary>
public sealed class RoutingTests(RoutingGatewaySmsApp app) : IClassFixture<RoutingGatewaySmsApp>
{
    private readonly SmsDriver _sms = new(app);

    [Fact]
    public async Task An_unreachable_provider_is_skipped_for_the_next_account_and_the_sms_goes_once()
    {
        var phone = await _sms.PatientWithConsentAsync();

        var id = await _sms.SendAsync(phone, "failover-clinic");

        var message = await _sms.WaitForStatusAsync(id, "accepted");
        Assert.Equal("a1", message.GetProperty("provider").GetString());
        var attempts = await _sms.AttemptsAsync(id);
        Assert.Equal([RoutingGatewaySmsApp.AlsoDown, "a1"], SmsDriver.Accounts(attempts));
        Assert.Equal(["not-sent", "accepted"], SmsDriver.Outcomes(attempts));
        Assert.Contains("unreachable", attempts[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await _sms.InboxAsync(phone));
    }

    [Fact]
    public async Task The_mis_hears_queued_only_when_the_first_call_did_not_take_the_message()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var statuses = await broker.BindQueueAsync("comms.events", "message.status_changed");

        var direct = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "direct-clinic");
        var failedOver = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "failover-clinic");
        await _sms.WaitForStatusAsync(direct, "accepted");
        await _sms.WaitForStatusAsync(failedOver, "accepted");

        var heard = new List<(Guid Id, string Status)>();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var received in await broker.DrainAsync(statuses))
            {
                var data = JsonDocument.Parse(received.Body).RootElement.GetProperty("data");
                heard.Add((data.GetProperty("messageId").GetGuid(), data.GetProperty("status").GetString()!));
            }

            return heard.Count(h => h.Status == "accepted" && (h.Id == direct || h.Id == failedOver)) == 2;
        }, SmsDriver.Patience, "both messages accepted on comms.events");

        // Taken at the first call: accepted is the first word the MIS hears; the gateway's history keeps queued.
        Assert.DoesNotContain((direct, "queued"), heard);
        Assert.Equal(["queued", "accepted"], SmsDriver.History(await _sms.WaitForStatusAsync(direct, "accepted")).Take(2));
        // The first account did not take it and the message waited for the next one: the MIS heard it queued.
        Assert.Contains((failedOver, "queued"), heard);
    }

    [Fact]
    public async Task A_failing_account_is_degraded_moved_to_the_back_and_comes_back_when_its_errors_age_out()
    {
        for (var i = 0; i < 3; i++)
        {
            var phone = await _sms.PatientWithConsentAsync();
            await _sms.WaitForStatusAsync(await _sms.SendAsync(phone, "degrade-clinic"), "accepted");
        }

        var down = await _sms.AccountAsync(RoutingGatewaySmsApp.Down);
        Assert.True(down.GetProperty("degraded").GetBoolean(), down.ToString());
        var route = (await _sms.ProvidersAsync()).GetProperty("routes").EnumerateArray().Single(r => r.GetProperty("clinicId").GetString() == "degrade-clinic");
        Assert.Equal(["d1", RoutingGatewaySmsApp.Down], route.GetProperty("currentOrder").EnumerateArray().Select(a => a.GetString()));

        // While degraded, the account is not called first: the next message goes straight to the healthy one.
        var next = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), "degrade-clinic");
        await _sms.WaitForStatusAsync(next, "accepted");
        Assert.Equal(["d1"], SmsDriver.Accounts(await _sms.AttemptsAsync(next)));

        // Its failures leave the error window (4 s here) and it is tried first again.
        await Eventually.TrueAsync(async () => !(await _sms.AccountAsync(RoutingGatewaySmsApp.Down)).GetProperty("degraded").GetBoolean(),
            TimeSpan.FromSeconds(15), "the unreachable account back in the route after its errors aged out");
    }

    [Theory]
    [InlineData("funds-clinic", "f1", "f2", 201, "not enough money")]
    [InlineData("rate-clinic", "r1", "r2", 233, "too many messages")]
    public async Task No_funds_or_a_rate_limit_moves_the_message_and_the_account_aside(string clinic, string first, string second, int code, string reason)
    {
        var phone = await _sms.PatientWithConsentAsync();
        await _sms.FaultAsync(new { provider = "smsru", to = phone, sendStatusCode = code, times = 1 });

        var id = await _sms.SendAsync(phone, clinic);

        var message = await _sms.WaitForStatusAsync(id, "accepted");
        Assert.Equal(second, message.GetProperty("provider").GetString());
        Assert.Equal([first, second], SmsDriver.Accounts(await _sms.AttemptsAsync(id)));
        var skipped = await _sms.AccountAsync(first);
        Assert.True(skipped.GetProperty("degraded").GetBoolean(), skipped.ToString());
        Assert.Contains(reason, skipped.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(await _sms.InboxAsync(phone));

        // The next message does not knock on the skipped account's door.
        var next = await _sms.SendAsync(await _sms.PatientWithConsentAsync(), clinic);
        await _sms.WaitForStatusAsync(next, "accepted");
        Assert.Equal([second], SmsDriver.Accounts(await _sms.AttemptsAsync(next)));
    }

    [Fact]
    public async Task A_timeout_after_the_provider_accepted_is_not_resent_anywhere()
    {
        var phone = await _sms.PatientWithConsentAsync();
        // SMS.ru takes the message at once but answers after 5 s; the account gives up after 2 s.
        await _sms.FaultAsync(new { provider = "smsru", to = phone, delayMs = 5000, times = 1 });

        var id = await _sms.SendAsync(phone, "timeout-clinic");

        var message = await _sms.WaitForStatusAsync(id, "failed-temporary");
        Assert.Contains("never two", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var attempts = await _sms.AttemptsAsync(id);
        Assert.Equal(["t1"], SmsDriver.Accounts(attempts));
        Assert.Equal(["unknown"], SmsDriver.Outcomes(attempts));
        await Task.Delay(TimeSpan.FromSeconds(4)); // past the late answer: nothing more happens
        Assert.Single(await _sms.InboxAsync(phone));
        Assert.Equal(["t1"], SmsDriver.Accounts(await _sms.AttemptsAsync(id)));
    }

    [Fact]
    public async Task A_bad_number_is_flagged_later_sends_fail_without_a_call_until_the_flag_is_cleared()
    {
        var phone = await _sms.PatientWithConsentAsync();
        await _sms.FaultAsync(new { provider = "smsru", to = phone, sendStatusCode = 202, times = 1 });

        var failed = await _sms.WaitForStatusAsync(await _sms.SendAsync(phone, "flag-clinic"), "failed-permanent");
        Assert.Contains("SMS.ru 202", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var client = app.CreateClient();
        var flag = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sms/flagged-contacts?contact={Uri.EscapeDataString(phone)}");
        Assert.Equal("g1", flag.GetProperty("account").GetString());
        var requestsBefore = await RequestsToAsync(phone);

        var second = await _sms.SendAsync(phone, "flag-clinic");
        var refused = await _sms.WaitForStatusAsync(second, "failed-permanent");
        Assert.Contains("reported invalid by g1", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(await _sms.AttemptsAsync(second));
        Assert.Equal(requestsBefore, await RequestsToAsync(phone));

        using var cleared = await client.DeleteAsync($"/api/v1/sms/flagged-contacts?contact={Uri.EscapeDataString(phone)}");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        await _sms.WaitForStatusAsync(await _sms.SendAsync(phone, "flag-clinic"), "accepted");
        Assert.Single(await _sms.InboxAsync(phone));
    }

    [Fact]
    public async Task Cost_is_segments_times_the_accounts_price_per_clinic_and_day()
    {
        var phone = await _sms.PatientWithConsentAsync();
        var longText = string.Concat(Enumerable.Repeat("Напоминаем о приёме. ", 5)); // 105 Cyrillic characters: 2 parts
        await _sms.WaitForStatusAsync(await _sms.SendAsync(phone, "cost-clinic", "Короткий текст"), "accepted");
        var second = await _sms.WaitForStatusAsync(await _sms.SendAsync(phone, "cost-clinic", longText), "accepted");

        using var client = app.CreateClient();
        var report = await client.GetFromJsonAsync<JsonElement>("/api/v1/sms/costs?clinicId=cost-clinic&timeZone=Europe/Moscow");

        var day = Assert.Single(report.GetProperty("days").EnumerateArray());
        Assert.Equal("c1", day.GetProperty("account").GetString());
        Assert.Equal(2, day.GetProperty("messages").GetInt32());
        Assert.Equal(3, day.GetProperty("segments").GetInt32());
        Assert.Equal(8.25m, day.GetProperty("cost").GetDecimal());
        Assert.Equal("RUB", day.GetProperty("currency").GetString());
        Assert.Equal(2, second.GetProperty("segments").GetInt32());
    }

    [Fact]
    public async Task A_cost_report_with_a_bad_range_or_zone_names_the_field()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/v1/sms/costs?from=2026-11-30&to=2026-11-01&timeZone=Mars/Olympus");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("timeZone", out _), errors.ToString());
    }

    private async Task<int> RequestsToAsync(string phone) =>
        (await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/requests"))!
            .Count(r => r.GetProperty("fields").TryGetProperty("to", out var to) && to.GetString() == phone.TrimStart('+'));
}
