using System.Text.Json;
using Comms.Contracts;
using Comms.Contracts.Scheduling;
using Comms.Testing;

namespace Comms.Templating.Tests;

internal static class Messages
{
    public static ComposeMessage Reminder(Guid messageId, string? phone = "+79161234567", IReadOnlyList<string>? channels = null, string locale = "ru", string clinicId = "msk-1") => new(
        messageId,
        "appointment.reminder",
        Purposes.Service,
        channels ?? [Channels.Sms],
        new MessageRecipient(clinicId, "P-77", phone, null, null, "Europe/Moscow"),
        locale,
        new Dictionary<string, string?>
        {
            ["patient.firstName"] = "Анна",
            ["appointment.date"] = "25.11.2026",
            ["appointment.time"] = "10:30",
            ["clinic.name"] = "Клиника на Ленина",
            ["clinic.address"] = "ул. Ленина, 5",
        },
        "A-1001",
        null,
        new DateTimeOffset(2026, 11, 24, 7, 30, 0, TimeSpan.Zero));

    /// <summary>The "message" of a MassTransit envelope.</summary>
    public static JsonElement Payload(ReceivedMessage received) =>
        JsonDocument.Parse(received.Body).RootElement.GetProperty("message").Clone();

    /// <summary>Everything in the probe queue now whose payload carries <paramref name="messageId"/>.</summary>
    public static async Task<List<JsonElement>> DrainAsync(RabbitQueueProbe probe, string queue, Guid messageId)
    {
        var found = new List<JsonElement>();
        while (await probe.GetAsync(queue) is { } received)
        {
            var payload = Payload(received);
            if (payload.GetProperty("messageId").GetGuid() == messageId)
            {
                found.Add(payload);
            }
        }

        return found;
    }

    /// <summary>Waits for the first message in the probe queue whose payload carries <paramref name="messageId"/>.</summary>
    public static Task<JsonElement> NextAsync(RabbitQueueProbe probe, string queue, Guid messageId) =>
        Eventually.GetAsync<JsonElement>(
            async () =>
            {
                while (await probe.GetAsync(queue) is { } received)
                {
                    var payload = Payload(received);
                    if (payload.GetProperty("messageId").GetGuid() == messageId)
                    {
                        return (JsonElement?)payload;
                    }
                }

                return null;
            },
            TimeSpan.FromSeconds(30),
            $"a message {messageId} in {queue}");
}
