using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

/// <summary>Drives an in-process gateway the way the rest of the system does: consent events, SendSms commands, its API.</summary>
public sealed class SmsDriver(GatewaySmsApp app)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;

    public async Task<string> PatientWithConsentAsync()
    {
        var phone = SendingTests.NewPhone();
        var sequence = Interlocked.Increment(ref _sequence);
        await app.Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, "msk-1", "P-1", phone, "sms", "service", true, "mis_checkbox", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        using var client = app.CreateClient();
        await Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!
                .Any(s => s.GetProperty("sequence").GetInt64() == sequence),
            Patience, "consent in the projection");
        return phone;
    }

    public async Task<Guid> SendAsync(string phone, string clinicId, string text = "Анна, напоминаем о приёме завтра в 10:30.")
    {
        var command = new SendSms(Guid.CreateVersion7(), clinicId, "P-1", "A-1", phone, text, "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await app.Services.GetRequiredService<IBus>().Publish(command);
        return command.MessageId;
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status, TimeSpan? patience = null)
    {
        using var client = app.CreateClient();
        JsonElement last = default;
        return await Eventually.GetAsync<JsonElement>(async () =>
        {
            using var response = await client.GetAsync($"/api/v1/messages/{messageId}");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            return last.GetProperty("status").GetString() == status ? last : null;
        }, patience ?? Patience, () => $"message {messageId} {status}; last seen: {last}");
    }

    public async Task<JsonElement[]> AttemptsAsync(Guid messageId)
    {
        using var client = app.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/sms/messages/{messageId}/attempts"))!;
    }

    public async Task<JsonElement> ProvidersAsync()
    {
        using var client = app.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>("/api/v1/sms/providers");
    }

    public async Task<JsonElement> AccountAsync(string account) =>
        (await ProvidersAsync()).GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == account);

    public async Task FaultAsync(object fault)
    {
        using var response = await app.Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>What the simulated phone received.</summary>
    public async Task<JsonElement[]> InboxAsync(string phone) =>
        (await app.Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!;

    public static string[] Accounts(JsonElement[] attempts) => [.. attempts.Select(a => a.GetProperty("account").GetString()!)];

    public static string[] History(JsonElement message) => [.. message.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()!)];

    public static string[] Outcomes(JsonElement[] attempts) => [.. attempts.Select(a => a.GetProperty("outcome").GetString()!)];
}
