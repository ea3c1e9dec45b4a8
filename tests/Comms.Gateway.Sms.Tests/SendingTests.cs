using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

public sealed class SendingTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The gateway's queue of SendSms commands.</summary>
    private const string SendQueue = "gateway-sms-send-sms";
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Fact]
    public async Task Granted_service_consent_lets_the_sms_through_to_the_provider()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);

        var message = await SendAndWaitAsync(phone, "service", "accepted");

        Assert.Equal("smsru", message.GetProperty("provider").GetString());
        var inbox = await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}");
        var sms = Assert.Single(inbox!);
        Assert.Equal("CLINIC", sms.GetProperty("sender").GetString());
    }

    [Fact]
    public async Task No_consent_record_blocks_without_calling_the_provider()
    {
        var phone = NewPhone();

        var message = await SendAndWaitAsync(phone, "service", "blocked");

        Assert.Equal("no consent on record for sms/service", message.GetProperty("reason").GetString());
        Assert.Equal("no-consent", message.GetProperty("cause").GetString());
        Assert.DoesNotContain(phone.TrimStart('+'), await app.Simulator.Http.GetStringAsync("sim/requests"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_consent_blocks_the_next_message()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        await ConsentAsync(phone, "service", granted: false);

        var message = await SendAndWaitAsync(phone, "service", "blocked");

        Assert.StartsWith("consent for sms/service revoked", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(phone.TrimStart('+'), await app.Simulator.Http.GetStringAsync("sim/requests"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Older_consent_event_arriving_late_does_not_overwrite_a_newer_one()
    {
        var phone = NewPhone();
        var older = Interlocked.Increment(ref _sequence);
        var newer = Interlocked.Increment(ref _sequence);
        await PublishConsentAsync(phone, "service", granted: false, newer);
        await WaitForConsentSequenceAsync(phone, newer);
        await PublishConsentAsync(phone, "service", granted: true, older);

        var message = await SendAndWaitAsync(phone, "service", "blocked");

        Assert.Contains("revoked", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marketing_message_with_only_service_consent_is_blocked()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);

        var message = await SendAndWaitAsync(phone, "marketing", "blocked");

        Assert.Equal("no consent on record for sms/marketing", message.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Provider_refusal_fails_the_message_with_the_providers_reason()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        await FaultAsync(phone, 207, times: null);

        var message = await SendAndWaitAsync(phone, "service", "failed-permanent");

        Assert.Contains("SMS.ru 207", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!);
    }

    [Fact]
    public async Task Provider_briefly_unavailable_is_tried_again_and_the_sms_goes_out_once()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        await FaultAsync(phone, 220, times: 1);

        await SendAndWaitAsync(phone, "service", "accepted");

        Assert.Single((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!);
    }

    [Fact]
    public async Task The_same_send_command_twice_sends_one_sms()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        var command = Command(phone, "service");
        var bus = app.Services.GetRequiredService<IBus>();

        var finished = app.Received.Finished(SendQueue);
        await bus.Publish(command); // two deliveries with different transport ids: only the message id ties them
        await bus.Publish(command);
        await WaitForStatusAsync(command.MessageId, "accepted");
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(SendQueue) >= finished + 2), Patience, "both copies handled");

        Assert.Single((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!);
    }

    [Fact]
    public async Task A_burst_taken_in_batches_ends_each_message_as_alone_and_sends_each_consented_number_once()
    {
        // Published back to back, so the gateway takes them in batches: consented numbers (one whose provider refuses
        // the first call, which then goes on alone), numbers without consent, an invalid one, and one command twice.
        var consented = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            consented.Add(NewPhone());
            await ConsentAsync(consented[^1], "service", granted: true);
        }

        var unconsented = new[] { NewPhone(), NewPhone() };
        await FaultAsync(consented[4], 220, times: 1);
        var bus = app.Services.GetRequiredService<IBus>();
        var toConsented = consented.Select(phone => Command(phone, "service")).ToList();
        var toUnconsented = unconsented.Select(phone => Command(phone, "service")).ToList();
        var invalid = Command("+7 000", "service");
        foreach (var command in toConsented.Take(5).Concat(toUnconsented).Append(invalid).Append(toConsented[0]).Concat(toConsented.Skip(5)))
        {
            await bus.Publish(command);
        }

        foreach (var command in toConsented)
        {
            await WaitForStatusAsync(command.MessageId, "accepted");
        }

        foreach (var command in toUnconsented)
        {
            var blocked = await WaitForStatusAsync(command.MessageId, "blocked");
            Assert.Equal("no consent on record for sms/service", blocked.GetProperty("reason").GetString());
        }

        var failed = await WaitForStatusAsync(invalid.MessageId, "failed-permanent");
        Assert.Equal("no-contact", failed.GetProperty("cause").GetString());
        var driver = new SmsDriver(app);
        Assert.Equal(["not-sent", "accepted"], SmsDriver.Outcomes(await driver.AttemptsAsync(toConsented[4].MessageId)));
        foreach (var command in toConsented.Where((_, i) => i != 4))
        {
            Assert.Equal(["accepted"], SmsDriver.Outcomes(await driver.AttemptsAsync(command.MessageId)));
        }

        foreach (var phone in consented)
        {
            Assert.Single(await driver.InboxAsync(phone));
        }

        var requests = await app.Simulator.Http.GetStringAsync("sim/requests");
        Assert.All(unconsented, phone => Assert.DoesNotContain(phone.TrimStart('+'), requests, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revocation_that_arrives_between_two_tries_blocks_the_second()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        // SMS.ru answers "220 unavailable" after 3 s: the consent is revoked while the gateway waits for it.
        await FaultAsync(phone, 220, times: 1, delayMs: 3000);
        var command = Command(phone, "service");

        await app.Services.GetRequiredService<IBus>().Publish(command);
        await Eventually.TrueAsync(async () => (await new SmsDriver(app).AttemptsAsync(command.MessageId)).Length == 1, Patience, "the first call under way");
        await ConsentAsync(phone, "service", granted: false);

        var message = await WaitForStatusAsync(command.MessageId, "blocked");
        Assert.StartsWith("consent for sms/service revoked", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty((await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!);
    }

    [Fact]
    public async Task A_message_past_its_deadline_expires_without_a_provider_call()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        var command = Command(phone, "service") with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(-1) };

        await app.Services.GetRequiredService<IBus>().Publish(command);
        var message = await WaitForStatusAsync(command.MessageId, "expired");

        Assert.Equal("deadline", message.GetProperty("cause").GetString());
        Assert.StartsWith("not handed to a provider before its deadline", message.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(phone.TrimStart('+'), await app.Simulator.Http.GetStringAsync("sim/requests"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deadline_passing_while_providers_are_down_stops_the_retries()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        await FaultAsync(phone, 220, times: null); // SMS.ru "unavailable" for this number, every time
        var command = Command(phone, "service") with { NotAfter = DateTimeOffset.UtcNow.AddSeconds(1.5) };

        await app.Services.GetRequiredService<IBus>().Publish(command);
        var message = await WaitForStatusAsync(command.MessageId, "expired");

        // Tries at 0 s and after 0.5 s; the deadline has passed by the third (after 2 s more): no call after it.
        Assert.Equal("deadline", message.GetProperty("cause").GetString());
        Assert.InRange(message.GetProperty("attempts").GetInt32(), 1, 2);
        var requests = await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/requests");
        Assert.Equal(message.GetProperty("attempts").GetInt32(),
            requests!.Count(r => r.GetProperty("fields").TryGetProperty("to", out var to) && to.GetString() == phone.TrimStart('+')));
    }

    [Fact]
    public async Task What_is_left_of_the_deadline_goes_to_smsru_as_the_lifetime_in_minutes()
    {
        var phone = NewPhone();
        await ConsentAsync(phone, "service", granted: true);
        var command = Command(phone, "service") with { NotAfter = DateTimeOffset.UtcNow.AddMinutes(44.5) };

        await app.Services.GetRequiredService<IBus>().Publish(command);
        await WaitForStatusAsync(command.MessageId, "accepted");

        var requests = await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/requests");
        var request = Assert.Single(requests!, r => r.GetProperty("fields").TryGetProperty("to", out var to) && to.GetString() == phone.TrimStart('+'));
        Assert.Equal("45", request.GetProperty("fields").GetProperty("ttl").GetString());
    }

    internal static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SendSms Command(string phone, string purpose) => new(
        Guid.CreateVersion7(), "msk-1", "P-1", "A-1", phone, "Анна, напоминаем о приёме завтра в 10:30.", purpose,
        "appointment.reminder", 1, null, DateTimeOffset.UtcNow);

    private async Task<JsonElement> SendAndWaitAsync(string phone, string purpose, string status)
    {
        var command = Command(phone, purpose);
        await app.Services.GetRequiredService<IBus>().Publish(command);
        return await WaitForStatusAsync(command.MessageId, status);
    }

    internal async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status)
    {
        using var client = app.CreateClient();
        return await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await client.GetAsync($"/api/v1/messages/{messageId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var message = await response.Content.ReadFromJsonAsync<JsonElement>();
            return message.GetProperty("status").GetString() == status ? message : null;
        }, Patience, $"message {messageId} {status}");
    }

    private async Task ConsentAsync(string phone, string purpose, bool granted)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        await PublishConsentAsync(phone, purpose, granted, sequence);
        await WaitForConsentSequenceAsync(phone, sequence);
    }

    private async Task PublishConsentAsync(string phone, string purpose, bool granted, long sequence) =>
        await app.Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, "msk-1", "P-1", phone, "sms", purpose, granted, "mis_checkbox", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));

    private async Task WaitForConsentSequenceAsync(string phone, long sequence)
    {
        using var client = app.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            var states = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}");
            return states!.Any(s => s.GetProperty("sequence").GetInt64() == sequence);
        }, Patience, $"consent sequence {sequence} in the projection");
    }

    private async Task FaultAsync(string phone, int code, int? times, int? delayMs = null)
    {
        using var response = await app.Simulator.Http.PostAsJsonAsync("sim/faults", new { provider = "smsru", to = phone, sendStatusCode = code, times, delayMs });
        response.EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData("GET", "/api/v1/sms/providers")]
    [InlineData("GET", "/api/v1/sms/costs?from=2026-11-01&to=2026-11-30")]
    [InlineData("GET", "/api/v1/sms/flagged-contacts?contact=%2B79161234567")]
    [InlineData("DELETE", "/api/v1/sms/flagged-contacts?contact=%2B79161234567")]
    [InlineData("GET", "/api/v1/sms/messages/0199a1b2-0000-7000-8000-000000000001/attempts")]
    [InlineData("GET", "/api/v1/consents?contact=%2B79161234567")]
    public async Task The_operator_apis_refuse_a_call_without_an_operator_key(string method, string path)
    {
        foreach (var (key, expected) in new[]
                 {
                     ((string?)null, HttpStatusCode.Unauthorized),
                     ("not-a-configured-key", HttpStatusCode.Unauthorized),
                     (GatewaySmsApp.ClinicKey, HttpStatusCode.Forbidden),
                 })
        {
            using var client = app.CreateClient(key);
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
            Assert.Equal(expected, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var operatorClient = app.CreateClient();
        using var allowed = await operatorClient.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);
        Assert.NotEqual(HttpStatusCode.Unauthorized, allowed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
    }
}
