using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Email.Tests;

/// <summary>Drives an in-process gateway as the rest of the system does: consent events, SendEmail commands, its API.</summary>
public sealed class EmailDriver(ServiceApp<Program> app)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;

    public static string NewAddress() => $"p{Guid.NewGuid():N}@example.ru";

    /// <param name="acceptedOverOptOutAt">For a grant after the patient's own opt-out: the opt-out the ledger accepted it over.</param>
    public async Task ConsentAsync(
        string email, string purpose, bool granted = true, DateTimeOffset? capturedAt = null, DateTimeOffset? acceptedOverOptOutAt = null)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        await app.Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, "msk-1", "P-1", email, "email", purpose, granted, "web_form", capturedAt ?? DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
            acceptedOverOptOutAt));
        using var client = app.CreateClient();
        await Eventually.TrueAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(email)}"))!
                .Any(s => s.GetProperty("sequence").GetInt64() == sequence),
            Patience, $"consent sequence {sequence} in the projection");
    }

    public static SendEmail Command(string email, string purpose, string clinicId = "msk-1", string? html = "<p>Анна, напоминаем о приёме <b>завтра в 10:30</b>.</p>") => new(
        Guid.CreateVersion7(), clinicId, "P-1", "A-1", email, "Напоминание о приёме", html,
        "Анна, напоминаем о приёме завтра в 10:30.", purpose, purpose == "marketing" ? "promo.hygiene" : "appointment.reminder", 1, null,
        DateTimeOffset.UtcNow);

    public async Task PublishAsync(SendEmail command) => await app.Services.GetRequiredService<IBus>().Publish(command);

    public async Task<JsonElement> SendAndWaitAsync(SendEmail command, string status)
    {
        await PublishAsync(command);
        return await WaitForStatusAsync(command.MessageId, status);
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status)
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
        }, Patience, () => $"message {messageId} {status}; last seen: {last}");
    }
}
