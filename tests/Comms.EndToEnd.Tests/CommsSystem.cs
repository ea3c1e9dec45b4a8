using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// The whole product as real processes: the provider simulator and the seven services, on free ports, against the
/// real PostgreSQL (a database per service) and RabbitMQ (a virtual host of its own); an SMTP sink (maildev) and an
/// IMAP server (dovecot) holding the reply mailbox for Gateway.Email.
/// </summary>
public sealed class CommsSystem : IAsyncLifetime
{
    public const string ClinicId = "msk-1";
    public const string ApiKey = "dev-msk-1-key";
    private const string CallbackToken = "dev-callback-token";

    private readonly List<string> _databases = [];

    public string VirtualHost { get; private set; } = "";

    public ServiceProcess Simulator { get; private set; } = null!;

    public ServiceProcess Scheduling { get; private set; } = null!;

    public ServiceProcess Templating { get; private set; } = null!;

    public ServiceProcess Consent { get; private set; } = null!;

    public ServiceProcess GatewaySms { get; private set; } = null!;

    public IReadOnlyList<ServiceProcess> Services { get; private set; } = [];

    public ServiceProcess GatewayMax { get; private set; } = null!;

    public ServiceProcess Feedback { get; private set; } = null!;

    public ServiceProcess GatewayEmail { get; private set; } = null!;

    public ServiceProcess Audience { get; private set; } = null!;

    /// <summary>The front desk's inbox (its development receptionist: reception / reception-dev-password).</summary>
    public ServiceProcess Inbox { get; private set; } = null!;

    /// <summary>The SMTP sink Gateway.Email delivers to.</summary>
    public MailDev MailDev { get; private set; } = null!;

    /// <summary>The reply mailbox Gateway.Email reads (user <see cref="ReplyUser"/>): patients' replies land here.</summary>
    public Dovecot Imap { get; private set; } = null!;

    public const string ReplyUser = "replies";

    public const string ReplyAddress = "replies@clinic-msk-1.example";

    /// <summary>msk-1's manager, who gets the low-rating alerts.</summary>
    public const string ManagerEmail = "manager@clinic-msk-1.example";

    public async ValueTask InitializeAsync()
    {
        VirtualHost = await TestInfrastructure.NewVirtualHostAsync("e2e");
        var smsPort = ServiceProcess.FreePort();
        var simulatorPort = ServiceProcess.FreePort();
        var whatsAppPort = ServiceProcess.FreePort();
        var maxPort = ServiceProcess.FreePort();

        Simulator = new ServiceProcess("provider-simulator", "tools/Comms.ProviderSimulator", "Comms.ProviderSimulator", simulatorPort,
            new Dictionary<string, string>
            {
                ["Simulator__SmsRu__ApiId"] = "dev-smsru-api-id",
                ["Simulator__SmsRu__CallbackUrl"] = $"http://127.0.0.1:{smsPort}/webhooks/sms/smsru?token={CallbackToken}",
                ["Simulator__SmsRu__ReceiptDelayMs"] = "200",
                ["Simulator__Smsc__Login"] = "dev-smsc",
                ["Simulator__Smsc__Password"] = "dev-smsc-password",
                ["Simulator__Smsc__CallbackUrl"] = $"http://127.0.0.1:{smsPort}/webhooks/sms/smsc?token=dev-smsc-callback-token",
                ["Simulator__SmsAero__Email"] = "dev@clinic.example",
                ["Simulator__SmsAero__ApiKey"] = "dev-smsaero-api-key",
                ["Simulator__SmsAero__CallbackUrl"] = $"http://127.0.0.1:{smsPort}/webhooks/sms/smsaero?token=dev-smsaero-callback-token",
                ["Simulator__WhatsApp__AccessToken"] = "dev-whatsapp-access-token",
                ["Simulator__WhatsApp__PhoneNumberId"] = "100000000000001",
                ["Simulator__WhatsApp__AppSecret"] = "dev-whatsapp-app-secret",
                ["Simulator__WhatsApp__WebhookUrl"] = $"http://127.0.0.1:{whatsAppPort}/webhooks/whatsapp",
                ["Simulator__Max__Token"] = "dev-max-bot-token",
                ["Simulator__Max__BotName"] = "comms_clinic_bot",
                ["Simulator__Max__WebhookSecret"] = "dev-max-webhook-secret",
                ["Simulator__Max__WebhookUrl"] = $"http://127.0.0.1:{maxPort}/webhooks/max",
            });
        Scheduling = await ServiceAsync("scheduling", "services/Scheduling", "Comms.Scheduling", ServiceProcess.FreePort(), new()
        {
            // Any time of day is inside the window, so the test does not depend on when it runs.
            ["Reminders__Defaults__SendWindow__Start"] = "00:00",
            ["Reminders__Defaults__SendWindow__End"] = "00:00",
            ["Reminders__DispatchInterval"] = "00:00:00.500",
        });
        Scheduling.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey); // timelines are behind the clinic's key
        Templating = await ServiceAsync("templating", "services/Templating", "Comms.Templating", ServiceProcess.FreePort(), []);
        Consent = await ServiceAsync("consent", "services/Consent", "Comms.Consent", ServiceProcess.FreePort(), []);
        GatewaySms = await ServiceAsync("gateway-sms", "services/Gateway.Sms", "Comms.Gateway.Sms", smsPort, new()
        {
            // The Development accounts (SMS.ru first, then SMSC.ru and SMS Aero), pointed at this run's simulator.
            ["Sms__Accounts__smsru__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/smsru",
            ["Sms__Accounts__smsc__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/smsc",
            ["Sms__Accounts__smsaero__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/smsaero",
            ["Sms__Accounts__smsaero__PublicBaseUrl"] = $"http://127.0.0.1:{smsPort}",
        });
        var whatsApp = await ServiceAsync("gateway-whatsapp", "services/Gateway.WhatsApp", "Comms.Gateway.WhatsApp", whatsAppPort, new()
        {
            ["WhatsApp__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/whatsapp",
        });
        GatewayMax = await ServiceAsync("gateway-max", "services/Gateway.Max", "Comms.Gateway.Max", maxPort, new()
        {
            ["Max__BaseUrl"] = $"http://127.0.0.1:{simulatorPort}/max",
        });
        MailDev = await MailDev.StartAsync();
        Imap = await Dovecot.StartAsync(ReplyUser);
        var emailPort = ServiceProcess.FreePort();
        var email = await ServiceAsync("gateway-email", "services/Gateway.Email", "Comms.Gateway.Email", emailPort, new()
        {
            ["Email__Smtp__Host"] = "127.0.0.1",
            ["Email__Smtp__Port"] = MailDev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email__Answers__BaseUrl"] = $"http://127.0.0.1:{emailPort}/answer",
            ["Email__Imap__Enabled"] = "true",
            ["Email__Imap__Host"] = Dovecot.Host,
            ["Email__Imap__Port"] = Imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Email__Imap__UseTls"] = "false",
            ["Email__Imap__Username"] = ReplyUser,
            ["Email__Imap__Password"] = Imap.PasswordOf(ReplyUser),
            ["Email__Imap__Address"] = ReplyAddress,
            ["Email__Imap__PollInterval"] = "00:00:00.500",
        });
        var feedbackPort = ServiceProcess.FreePort();
        Feedback = await ServiceAsync("feedback", "services/Feedback", "Comms.Feedback", feedbackPort, new()
        {
            ["Feedback__Delay"] = "00:00:01",
            ["Feedback__DispatchInterval"] = "00:00:00.500",
            ["Feedback__Defaults__SendWindow__Start"] = "00:00",
            ["Feedback__Defaults__SendWindow__End"] = "00:00",
            ["Feedback__PublicBaseUrl"] = $"http://127.0.0.1:{feedbackPort}",
            [$"Feedback__Clinics__{ClinicId}__ManagerEmails__0"] = ManagerEmail,
            [$"Feedback__Clinics__{ClinicId}__ReviewLinks__0__Name"] = "Яндекс Карты",
            [$"Feedback__Clinics__{ClinicId}__ReviewLinks__0__Url"] = "https://yandex.ru/maps/org/1234567890/reviews",
        });
        Audience = await ServiceAsync("audience", "services/Audience", "Comms.Audience", ServiceProcess.FreePort(), new()
        {
            ["Audience__Watch__Interval"] = "00:00:01",
            ["Audience__Campaigns__DispatchInterval"] = "00:00:00.500",
            // Waitlist offers at any time of day, so the test does not depend on when it runs.
            ["Audience__Waitlist__WindowFrom"] = "00:00",
            ["Audience__Waitlist__WindowTo"] = "00:00",
            // The campaign preview's texts and cost, from this run's Templating with the run's operator key.
            ["Audience__Campaigns__Templating__BaseUrl"] = Templating.Http.BaseAddress!.ToString(),
            ["Audience__Campaigns__Templating__ApiKey"] = TestKeys.Operator,
        });
        Audience.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var feedback = Feedback;
        GatewayEmail = email;
        Inbox = await ServiceAsync("inbox", "services/Inbox", "Comms.Inbox", ServiceProcess.FreePort(), new()
        {
            ["Inbox__Templating__BaseUrl"] = Templating.Http.BaseAddress!.ToString(),
            ["Inbox__Templating__ApiKey"] = TestKeys.Operator,
        });
        Services = [Scheduling, Templating, Consent, GatewaySms, whatsApp, GatewayMax, email, feedback, Audience, Inbox];
        foreach (var gateway in new[] { GatewaySms, whatsApp, GatewayMax, email })
        {
            gateway.Http.AsOperator(); // the gateways' APIs (messages, consents, MAX links) take an operator key
        }

        Simulator.Start();
        foreach (var service in Services)
        {
            service.Start();
        }

        await Simulator.WaitReadyAsync("health/live", TimeSpan.FromSeconds(90));
        foreach (var service in Services)
        {
            await service.WaitReadyAsync("health/ready", TimeSpan.FromSeconds(120));
        }
    }

    private async Task<ServiceProcess> ServiceAsync(string name, string directory, string assembly, int port, Dictionary<string, string> extra)
    {
        var database = await TestInfrastructure.NewDatabaseAsync(name.Replace('-', '_'));
        _databases.Add(database);
        var environment = await TestInfrastructure.ServiceEnvironmentAsync(database, VirtualHost);
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return new ServiceProcess(name, directory, assembly, port, environment);
    }

    /// <summary>Everything the processes printed, for a failing test's message.</summary>
    public string Logs() => string.Join("\n", new[] { Simulator }.Concat(Services).Select(s => s.LogTail(40)));

    /// <summary>What Gateway.Sms's consent gate sees for a phone.</summary>
    public async Task<JsonElement[]> GatewayConsentsAsync(string phone) =>
        await GatewaySms.Http.GetFromJsonAsync<JsonElement[]>($"api/v1/consents?contact={Uri.EscapeDataString(phone)}") ?? [];

    /// <summary>The MIS records the patient's SMS consent; returns once Gateway.Sms's gate has it.</summary>
    public async Task GrantSmsConsentAsync(RabbitQueueProbe mis, string patientId, string phone, string clinicId = ClinicId)
    {
        await mis.PublishAsync("mis.events", "patient.consent_changed", MisEvents.ConsentGranted("c-" + patientId, patientId, phone, clinicId: clinicId));
        await Eventually.TrueAsync(
            async () => (await GatewayConsentsAsync(phone)).Any(s => s.GetProperty("channel").GetString() == "sms" && s.GetProperty("granted").GetBoolean()),
            TimeSpan.FromSeconds(60), () => $"the consent of {patientId} at Gateway.Sms\n" + Logs());
    }

    public async Task<JsonElement[]> InboxAsync(string phone) =>
        await Simulator.Http.GetFromJsonAsync<JsonElement[]>($"sim/messages?to={Uri.EscapeDataString(phone)}") ?? [];

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Services.Append(Simulator))
        {
            await process.DisposeAsync();
        }

        if (MailDev is not null)
        {
            await MailDev.DisposeAsync();
        }

        if (Imap is not null)
        {
            await Imap.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await TestInfrastructure.DropDatabaseAsync(database);
        }

        await TestInfrastructure.DeleteVirtualHostAsync(VirtualHost);
    }
}

/// <summary>Every journey test class shares one running system.</summary>
[CollectionDefinition(Name)]
public sealed class CommsSystemCollection : ICollectionFixture<CommsSystem>
{
    public const string Name = "comms-system";
}
