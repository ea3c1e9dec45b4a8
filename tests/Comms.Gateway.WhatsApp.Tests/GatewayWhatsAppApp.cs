using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Gateway.WhatsApp.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.WhatsApp.Tests;

/// <summary>
/// Gateway.WhatsApp in-process, calling the real provider simulator (a process of its own). The gateway has no port
/// here, so the simulator keeps the webhooks it builds and the tests forward them, signed as they are, to the gateway.
/// </summary>
public class GatewayWhatsAppApp() : ServiceApp<Program>("gwwa")
{
    public const string AccessToken = "test-whatsapp-token";
    public const string AppSecret = "test-whatsapp-app-secret";
    public const string VerifyToken = "test-verify-token";
    public const string PhoneNumberId = "100000000000001";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;

    public ServiceProcess Simulator { get; private set; } = null!;

    /// <summary>Calls as the chain's operator: the gateway's APIs take an operator key.</summary>
    public override HttpClient CreateClient() => base.CreateClient().AsOperator();

    protected override async ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        Simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator",
            ServiceProcess.FreePort(), new Dictionary<string, string>
            {
                ["Simulator__WhatsApp__AccessToken"] = AccessToken,
                ["Simulator__WhatsApp__AppSecret"] = AppSecret,
                ["Simulator__WhatsApp__PhoneNumberId"] = PhoneNumberId,
                ["Simulator__WhatsApp__StatusDelayMs"] = "50",
            });
        Simulator.Start();
        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(60));

        settings["WhatsApp:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/whatsapp";
        settings["WhatsApp:ApiVersion"] = "v23.0";
        settings["WhatsApp:PhoneNumberId"] = PhoneNumberId;
        settings["WhatsApp:AccessToken"] = AccessToken;
        settings["WhatsApp:AppSecret"] = AppSecret;
        settings["WhatsApp:VerifyToken"] = VerifyToken;
        settings["WhatsApp:RateLimitRetries"] = "2";
        settings["WhatsApp:RateLimitPause"] = "00:00:00.200";
    }

    protected override void ConfigureServices(IServiceCollection services) => Saves.AttachTo<WhatsAppDbContext>(services);

    protected override async ValueTask ReleaseAsync() => await Simulator.DisposeAsync();

    public static string NewPhone() => "+7916" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static SendWhatsApp Command(string phone, string? templateName = "appointment_reminder", string? expectedReply = null, string purpose = "service") => new(
        Guid.CreateVersion7(), "msk-1", "P-1", "A-1", phone, "Анна, подтвердите, пожалуйста, приём завтра в 10:30.", templateName,
        ["Анна", "завтра в 10:30"], "ru", purpose, "appointment.confirmation", 1, expectedReply, DateTimeOffset.UtcNow);

    public async Task<SendWhatsApp> SendAsync(SendWhatsApp command)
    {
        await Services.GetRequiredService<IBus>().Publish(command);
        return command;
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status)
    {
        using var client = CreateClient();
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

    public async Task<JsonElement> MessageAsync(Guid messageId)
    {
        using var client = CreateClient();
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/messages/{messageId}");
    }

    public async Task GrantAsync(string phone, string purpose = "service")
    {
        var sequence = Interlocked.Increment(ref _sequence);
        await Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, "msk-1", "P-1", phone, "whatsapp", purpose, true, "mis_checkbox", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));
        using var client = CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            var states = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}");
            return states!.Any(s => s.GetProperty("sequence").GetInt64() == sequence);
        }, Patience, $"consent sequence {sequence} in the projection");
    }

    /// <summary>What the simulator's patient phone shows: WhatsApp messages with their form.</summary>
    public async Task<JsonElement[]> SimulatorMessagesAsync(string phone) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/whatsapp/messages?to={Uri.EscapeDataString(phone)}"))!;

    /// <summary>The patient writes at the simulator; its signed webhook is forwarded to the gateway as Meta would post it.</summary>
    public async Task<HttpResponseMessage> ReplyAsync(string phone, string? text = null, string? buttonId = null, string? contextMessageId = null)
    {
        using var posted = await Simulator.Http.PostAsJsonAsync("sim/whatsapp/replies", new { from = phone, text, buttonId, contextMessageId });
        posted.EnsureSuccessStatusCode();
        var reply = await posted.Content.ReadFromJsonAsync<JsonElement>();
        return await PostWebhookAsync(reply.GetProperty("body").GetString()!, reply.GetProperty("signature").GetString());
    }

    /// <summary>Forwards the status webhooks the simulator built for this number, in order.</summary>
    public async Task<JsonElement[]> StatusWebhooksAsync(string phone) =>
        [.. (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/whatsapp/webhooks?to={Uri.EscapeDataString(phone)}"))!
            .Where(w => w.GetProperty("kind").GetString() == "status")];

    public async Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/whatsapp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        return await client.SendAsync(request);
    }

    public static string Sign(string body) => Features.Webhooks.WebhookSignature.Sign(Encoding.UTF8.GetBytes(body), AppSecret);

    public static string StatusPayload(string wamid, string phone, string status, int? errorCode = null, long? timestamp = null)
    {
        var errors = errorCode is { } code ? $",\"errors\":[{{\"code\":{code},\"title\":\"Error {code}\"}}]" : "";
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{" +
               $"\"messaging_product\":\"whatsapp\",\"metadata\":{{\"display_phone_number\":\"79000000003\",\"phone_number_id\":\"{PhoneNumberId}\"}}," +
               $"\"statuses\":[{{\"id\":\"{wamid}\",\"status\":\"{status}\",\"timestamp\":\"{timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\"," +
               $"\"recipient_id\":\"{phone.TrimStart('+')}\"{errors}}}]}}}}]}}]}}";
    }

    public static string TextPayload(string phone, string text, string? wamid = null) =>
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{" +
        $"\"messaging_product\":\"whatsapp\",\"metadata\":{{\"display_phone_number\":\"79000000003\",\"phone_number_id\":\"{PhoneNumberId}\"}}," +
        $"\"messages\":[{{\"from\":\"{phone.TrimStart('+')}\",\"id\":\"{wamid ?? "wamid.TEST" + Guid.NewGuid().ToString("N")}\"," +
        $"\"timestamp\":\"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}\",\"type\":\"text\",\"text\":{{\"body\":{JsonSerializer.Serialize(text)}}}}}]}}}}]}}]}}";
}
