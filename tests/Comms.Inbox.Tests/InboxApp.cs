using System.Net;
using Comms.Contracts.Consent;
using Comms.Contracts.Delivery;
using Comms.StaffAccounts;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Inbox.Tests;

/// <summary>
/// Inbox on a real port (the page's event stream, Chromium) with a receptionist of every clinic, one of clinic
/// <c>spb-9</c> only, and a marketer (no access); the patients' messages and the consents arrive as the gateways and
/// the Consent service publish them.
/// </summary>
public sealed class InboxApp() : ServiceApp<Program>("inbox")
{
    public const string Reception = "rita";
    public const string OtherClinicReception = "vera";
    public const string Marketer = "mila";
    public const string RepliesQueue = "inbox-patient-messages";
    public const string SentQueue = "inbox-sent-messages";
    public const string ConsentsQueue = "inbox-channel-consents";
    public const string MisQueue = "inbox-mis-events";
    public const string AnswersQueue = "inbox-answers";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private long _sequence = 5000;

    protected override bool OnRealPort => true;

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        (string Name, string Role, string? Clinic)[] accounts = [(Reception, StaffRoles.Reception, null), (OtherClinicReception, StaffRoles.Reception, "spb-9"), (Marketer, StaffRoles.Marketer, null)];
        for (var i = 0; i < accounts.Length; i++)
        {
            settings[$"Staff:Accounts:{i}:Name"] = accounts[i].Name;
            settings[$"Staff:Accounts:{i}:PasswordHash"] = StaffPasswords.Hash(Password(accounts[i].Name), StaffPasswords.MinimumIterations);
            settings[$"Staff:Accounts:{i}:Roles:0"] = accounts[i].Role;
            if (accounts[i].Clinic is { } clinic)
            {
                settings[$"Staff:Accounts:{i}:Clinics:0"] = clinic;
            }
        }

        settings["Inbox:Notify:Clinics:spb-9:0"] = DeskEmail;
        settings["Inbox:Notify:PublicBaseUrl"] = "https://inbox.clinic.example";
        return ValueTask.CompletedTask;
    }

    /// <summary>Told by email when a conversation of clinic <c>spb-9</c> starts to wait.</summary>
    public const string DeskEmail = "desk@clinic-spb.example";

    public static string Password(string name) => $"{name}-test-password";

    public HttpClient Client() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = new Uri(BaseUrl) };

    public async Task<HttpClient> SignInAsync(string name)
    {
        var client = Client();
        using var response = await StaffSignInForm.PostAsync(client, "/inbox/sign-in", name, Password(name), "/inbox");
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in as {name} failed: {(int)response.StatusCode}");
        }

        return client;
    }

    /// <summary>The patient writes, as a gateway publishes it; waits until the inbox has filed it.</summary>
    public async Task<PatientReplied> WritesAsync(string clinicId, string patientId, string text, string channel = "sms", string? expectedReply = null, string? appointmentId = null)
    {
        var reply = new PatientReplied(Guid.CreateVersion7(), channel, Contact(patientId, channel), text, Guid.CreateVersion7(), expectedReply, clinicId, patientId, appointmentId, DateTimeOffset.UtcNow);
        var before = Received.Finished(RepliesQueue);
        await Services.GetRequiredService<IBus>().Publish(reply);
        await Eventually.TrueAsync(() => Task.FromResult(Received.Finished(RepliesQueue) > before), Patience, "the patient's message filed");
        return reply;
    }

    /// <summary>A service consent (or its withdrawal) as the Consent service tells it; waits until the inbox has it.</summary>
    public async Task ConsentAsync(string clinicId, string patientId, string channel, bool granted, string method = "mis_checkbox")
    {
        var before = Received.Finished(ConsentsQueue);
        var now = DateTimeOffset.UtcNow;
        await Services.GetRequiredService<IBus>().Publish(new ConsentChanged(Interlocked.Increment(ref _sequence), clinicId, patientId, Contact(patientId, channel), channel, "service", granted, method, now, now));
        await Eventually.TrueAsync(() => Task.FromResult(Received.Finished(ConsentsQueue) > before), Patience, "the consent taken");
    }

    public static string Contact(string patientId, string channel) => channel switch
    {
        "email" => $"{patientId.ToLowerInvariant()}@example.ru",
        "max" => (100_000 + Math.Abs(patientId.GetHashCode(StringComparison.Ordinal)) % 900_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "+7916" + (Math.Abs(patientId.GetHashCode(StringComparison.Ordinal)) % 10_000_000).ToString("0000000", System.Globalization.CultureInfo.InvariantCulture),
    };
}

[CollectionDefinition(Name)]
public sealed class InboxCollection : ICollectionFixture<InboxApp>
{
    public const string Name = "inbox";
}
