using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Gateway.Max.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Max.Tests;

/// <summary>
/// Gateway.Max in-process, calling the real provider simulator (a process of its own) as MAX's Bot API. The gateway has
/// no port here, so the simulator keeps the updates it builds and the tests forward them, with their secret, to the gateway.
/// </summary>
public class GatewayMaxApp() : ServiceApp<Program>("gwmax")
{
    public const string Token = "test-max-bot-token";
    public const string WebhookSecret = "test-max-webhook-secret";
    public const string BotName = "test_clinic_bot";
    public const string ClinicId = "msk-1";
    public const string ClinicKey = "test-key-msk-1";
    public const string OtherClinicId = "spb-1";
    public const string OtherClinicKey = "test-key-spb-1";

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
                ["Simulator__Max__Token"] = Token,
                ["Simulator__Max__WebhookSecret"] = WebhookSecret,
                ["Simulator__Max__BotName"] = BotName,
            });
        Simulator.Start();
        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(60));

        settings["Max:BaseUrl"] = $"http://127.0.0.1:{Simulator.Port}/max";
        settings["Max:Token"] = Token;
        settings["Max:BotName"] = BotName;
        settings["Max:WebhookSecret"] = WebhookSecret;
        settings["Max:LinkSecret"] = "test-max-link-secret-0123456789abcdef";
        settings["Max:RetryLimit"] = "2";
        settings["Max:RetryPause"] = "00:00:00.100";
        settings["Max:Timeout"] = "00:00:02";
        settings["Mis:Clinics:0:ClinicId"] = ClinicId;
        settings["Mis:Clinics:0:ApiKey"] = ClinicKey;
        settings["Mis:Clinics:1:ClinicId"] = OtherClinicId;
        settings["Mis:Clinics:1:ApiKey"] = OtherClinicKey;
    }


    protected override void ConfigureServices(IServiceCollection services) => Saves.AttachTo<MaxDbContext>(services);

    protected override async ValueTask ReleaseAsync() => await Simulator.DisposeAsync();

    public static long NewUserId() => Random.Shared.NextInt64(100_000_000, 999_999_999);

    public static string NewPatientId() => "P-" + Guid.NewGuid().ToString("N")[..10];

    public static SendMax Command(string patientId, string? expectedReply = null, string? messengerId = null, string purpose = "service") => new(
        Guid.CreateVersion7(), ClinicId, patientId, "A-1", messengerId, "Анна, подтвердите, пожалуйста, приём завтра в 10:30.", purpose,
        "appointment.confirmation", 1, expectedReply, DateTimeOffset.UtcNow);

    public async Task<SendMax> SendAsync(SendMax command)
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

    /// <summary>The message once the gateway is done with it (no longer queued), whatever it ended as.</summary>
    public async Task<JsonElement> WaitForOutcomeAsync(Guid messageId)
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
            return message.GetProperty("status").GetString() is "queued" or "" ? null : message;
        }, Patience, $"message {messageId} settled");
    }

    /// <summary>The consent the ledger would announce after a link: granted, for the MAX user id.</summary>
    public async Task GrantAsync(long userId, bool granted = true, string purpose = "service")
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var contact = userId.ToString(CultureInfo.InvariantCulture);
        await Services.GetRequiredService<IBus>().Publish(new ConsentChanged(
            sequence, ClinicId, "P-1", contact, "max", purpose, granted, "messenger_link", DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));
        using var client = CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            var states = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/consents?contact={contact}");
            return states!.Any(s => s.GetProperty("sequence").GetInt64() == sequence);
        }, Patience, $"consent sequence {sequence} in the projection");
    }

    public async Task<string> IssueLinkAsync(string patientId)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/max/links", new { clinicId = ClinicId, patientId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString()!;
    }

    public static string TokenOf(string link) => link[(link.IndexOf("?start=", StringComparison.Ordinal) + 7)..];

    /// <summary>The user opens the bot at the simulator (by the link's token, if any); the update is forwarded to the gateway.</summary>
    public Task<HttpResponseMessage> StartAsync(long userId, string? payload) => ActAsync($"sim/max/users/{userId}/start", new { payload });

    public Task<HttpResponseMessage> WriteAsync(long userId, string text) => ActAsync($"sim/max/users/{userId}/messages", new { text });

    public Task<HttpResponseMessage> TapAsync(long userId, string payload, string? mid = null) => ActAsync($"sim/max/users/{userId}/taps", new { payload, mid });

    /// <summary>A patient who linked their account with a fresh personal link, and whose consent the ledger has announced.</summary>
    public async Task<(long UserId, string PatientId)> LinkedPatientAsync()
    {
        var userId = NewUserId();
        var patientId = NewPatientId();
        (await StartAsync(userId, TokenOf(await IssueLinkAsync(patientId)))).Dispose();
        await GrantAsync(userId);
        return (userId, patientId);
    }

    private async Task<HttpResponseMessage> ActAsync(string path, object body)
    {
        using var posted = await Simulator.Http.PostAsJsonAsync(path, body);
        posted.EnsureSuccessStatusCode();
        var update = await posted.Content.ReadFromJsonAsync<JsonElement>();
        return await PostUpdateAsync(update.GetProperty("body").GetString()!, update.GetProperty("secret").GetString());
    }

    public async Task<HttpResponseMessage> PostUpdateAsync(string body, string? secret)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/max") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Add("X-Max-Bot-Api-Secret", secret);
        }

        return await client.SendAsync(request);
    }

    /// <summary>What the bot sent the user, as the simulator's MAX shows it.</summary>
    public async Task<JsonElement[]> SimulatorMessagesAsync(long userId) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/max/messages?userId={userId}"))!;

    public async Task<JsonElement[]> CallbackAnswersAsync() =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>("sim/max/answers"))!;
}
