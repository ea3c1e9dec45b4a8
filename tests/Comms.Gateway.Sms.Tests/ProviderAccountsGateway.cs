using System.Net.Http.Json;
using System.Text.Json;
using Comms.Contracts.Consent;
using Comms.Contracts.Templating;
using Comms.Testing;
using MassTransit;

namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// Gateway.Sms as a real process, listening on a real port, beside the real provider simulator, which posts receipts
/// and patients' replies to the gateway's webhooks in each provider's own format, as the providers do. One account per
/// clinic route: SMS.ru (the default route), SMSC.ru, SMS Aero, each of the last two also with wrong credentials and
/// with a short timeout (for "the answer came too late": the message is then looked up, not resent).
/// </summary>
public sealed class ProviderAccountsGateway : IAsyncLifetime
{
    public const string SmsRuClinic = "msk-1";
    public const string SmscClinic = "clinic-smsc";
    public const string SmscWrongClinic = "clinic-smsc-wrong";
    public const string SmscSlowClinic = "clinic-smsc-slow";
    public const string AeroClinic = "clinic-aero";
    public const string AeroWrongClinic = "clinic-aero-wrong";
    public const string AeroSlowClinic = "clinic-aero-slow";

    public const string SmscLogin = "clinic-login";
    public const string SmscPassword = "smsc-test-password";
    public const string SmscToken = "smsc-callback-token";
    public const string AeroEmail = "sms@clinic.example";
    public const string AeroApiKey = "aero-test-api-key";
    public const string AeroToken = "aero-callback-token";
    public const string SmsRuToken = "dev-callback-token";

    /// <summary>The sends' timeout on the "slow" accounts; the simulator's delay fault goes past it.</summary>
    public static readonly TimeSpan SlowTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static long _sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 10;
    private IBusControl? _bus;

    public string Database { get; private set; } = "";

    public string VirtualHost { get; private set; } = "";

    public ServiceProcess Simulator { get; private set; } = null!;

    public ServiceProcess Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Database = await TestInfrastructure.NewDatabaseAsync("gwsmsprov");
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync("gwsmsprov");
        var gatewayPort = ServiceProcess.FreePort();
        var gateway = $"http://127.0.0.1:{gatewayPort}";

        Simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator", ServiceProcess.FreePort(),
            new Dictionary<string, string>
            {
                ["Simulator__SmsRu__ApiId"] = "dev-smsru-api-id",
                ["Simulator__SmsRu__CallbackUrl"] = $"{gateway}/webhooks/sms/smsru?token={SmsRuToken}",
                ["Simulator__Smsc__Login"] = SmscLogin,
                ["Simulator__Smsc__Password"] = SmscPassword,
                ["Simulator__Smsc__CallbackUrl"] = $"{gateway}/webhooks/sms/smsc?token={SmscToken}",
                ["Simulator__SmsAero__Email"] = AeroEmail,
                ["Simulator__SmsAero__ApiKey"] = AeroApiKey,
                ["Simulator__SmsAero__CallbackUrl"] = $"{gateway}/webhooks/sms/smsaero?token={AeroToken}",
            });
        Simulator.Start();
        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(90));
        var simulator = $"http://127.0.0.1:{Simulator.Port}";

        var environment = await TestInfrastructure.ServiceEnvironmentAsync(Database, VirtualHost);
        environment["Sms__Accounts__smsru__BaseUrl"] = $"{simulator}/smsru";
        foreach (var (account, password, timeout) in new[] { ("smsc", SmscPassword, null), ("smscwrong", "not-the-password", null), ("smscslow", SmscPassword, (TimeSpan?)SlowTimeout) })
        {
            environment[$"Sms__Accounts__{account}__Provider"] = "smsc";
            environment[$"Sms__Accounts__{account}__BaseUrl"] = $"{simulator}/smsc";
            environment[$"Sms__Accounts__{account}__Login"] = SmscLogin;
            environment[$"Sms__Accounts__{account}__Password"] = password;
            environment[$"Sms__Accounts__{account}__CallbackToken"] = SmscToken;
            environment[$"Sms__Accounts__{account}__PricePerSegment"] = "2.5";
            if (timeout is { } slow)
            {
                environment[$"Sms__Accounts__{account}__Timeout"] = slow.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        foreach (var (account, key, timeout) in new[] { ("smsaero", AeroApiKey, null), ("aerowrong", "not-the-key", null), ("aeroslow", AeroApiKey, (TimeSpan?)SlowTimeout) })
        {
            environment[$"Sms__Accounts__{account}__Provider"] = "smsaero";
            environment[$"Sms__Accounts__{account}__BaseUrl"] = $"{simulator}/smsaero";
            environment[$"Sms__Accounts__{account}__Email"] = AeroEmail;
            environment[$"Sms__Accounts__{account}__ApiKey"] = key;
            environment[$"Sms__Accounts__{account}__PublicBaseUrl"] = gateway;
            environment[$"Sms__Accounts__{account}__CallbackToken"] = AeroToken;
            environment[$"Sms__Accounts__{account}__PricePerSegment"] = "3";
            if (timeout is { } slow)
            {
                environment[$"Sms__Accounts__{account}__Timeout"] = slow.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        foreach (var (clinic, account) in new[]
                 {
                     (SmscClinic, "smsc"), (SmscWrongClinic, "smscwrong"), (SmscSlowClinic, "smscslow"),
                     (AeroClinic, "smsaero"), (AeroWrongClinic, "aerowrong"), (AeroSlowClinic, "aeroslow"),
                 })
        {
            environment[$"Sms__Routing__Clinics__{clinic}__Accounts__0"] = account;
            environment[$"Sms__Routing__Clinics__{clinic}__Sender"] = "CLINIC";
        }

        // An unknown outcome is looked up soon, not after the production 30 s.
        environment["Sms__Resolution__LookUpAfter"] = "00:00:01";
        environment["Sms__Resolution__Interval"] = "00:00:01";

        Gateway = new ServiceProcess("gateway-sms", "services/Gateway.Sms", "Comms.Gateway.Sms", gatewayPort, environment);
        Gateway.Http.AsOperator();
        Gateway.Start();
        await Gateway.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(90));

        var endpoints = await TestInfrastructure.GetAsync();
        _bus = Bus.Factory.CreateUsingRabbitMq(bus => bus.Host(endpoints.RabbitHost, (ushort)endpoints.RabbitPort, VirtualHost, host =>
        {
            host.Username(endpoints.RabbitUser);
            host.Password(endpoints.RabbitPassword);
        }));
        await _bus.StartAsync();
    }

    /// <summary>A new patient whose service consent the gateway's projection has.</summary>
    public async Task<string> PatientWithConsentAsync()
    {
        var phone = SendingTests.NewPhone();
        var sequence = Interlocked.Increment(ref _sequence);
        await _bus!.Publish(new ConsentChanged(sequence, "msk-1", "P-1", phone, "sms", "service", true, "mis_checkbox", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(async () =>
            (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(phone)}"))!
                .Any(s => s.GetProperty("sequence").GetInt64() == sequence),
            Patience, "consent in the projection");
        return phone;
    }

    public async Task<Guid> SendAsync(string phone, string clinicId, string text = "Анна, напоминаем о приёме завтра в 10:30.")
    {
        var command = new SendSms(Guid.CreateVersion7(), clinicId, "P-1", "A-1", phone, text, "service", "appointment.reminder", 1, null, DateTimeOffset.UtcNow);
        await _bus!.Publish(command);
        return command.MessageId;
    }

    public async Task<JsonElement> WaitForStatusAsync(Guid messageId, string status)
    {
        JsonElement last = default;
        return await Eventually.GetAsync<JsonElement>(async () =>
        {
            last = await MessageAsync(messageId) ?? default;
            return last.ValueKind == JsonValueKind.Object && last.GetProperty("status").GetString() == status ? last : null;
        }, Patience, () => $"message {messageId} {status}; last seen: {last}\n{Gateway.LogTail(30)}\n{Simulator.LogTail(20)}");
    }

    public async Task<JsonElement?> MessageAsync(Guid messageId)
    {
        using var response = await Gateway.Http.GetAsync($"api/v1/messages/{messageId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public async Task<JsonElement[]> AttemptsAsync(Guid messageId) =>
        (await Gateway.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/sms/messages/{messageId}/attempts"))!;

    /// <summary>What the simulated phone received, from every provider.</summary>
    public async Task<JsonElement[]> InboxAsync(string phone) =>
        (await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}"))!;

    public async Task FaultAsync(object fault)
    {
        using var response = await Simulator.Http.PostAsJsonAsync("sim/faults", fault);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The patient texts back; the simulator posts it to that provider's inbound callback in its format.</summary>
    public async Task ReplyAsync(string phone, string text, string provider)
    {
        using var response = await Simulator.Http.PostAsJsonAsync("sim/replies", new { from = phone, text, provider });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A callback as anyone on the internet could post it.</summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(string account, string token, HttpContent content) =>
        await Gateway.Http.PostAsync($"webhooks/sms/{account}?token={Uri.EscapeDataString(token)}", content);

    public async ValueTask DisposeAsync()
    {
        if (_bus is not null)
        {
            await _bus.StopAsync();
        }

        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }

        await TestInfrastructure.DropDatabaseAsync(Database);
        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}

/// <summary>The provider adapters' end-to-end tests share one gateway process and one simulator.</summary>
[CollectionDefinition(Name)]
public sealed class ProviderAccountsCollection : ICollectionFixture<ProviderAccountsGateway>
{
    public const string Name = "provider-accounts";
}
