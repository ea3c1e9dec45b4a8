using System.Net.Http.Json;
using System.Text.Json;
using Comms.Audience.Features.Analytics;
using Comms.Contracts.Consent;
using Comms.Contracts.Delivery;
using Comms.Contracts.Scheduling;
using Comms.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Audience.Tests;

/// <summary>The portrait's preferred channel: from how the patients answered Comms' messages, then their consents.</summary>
public sealed class PreferredChannelTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private const string ConsentQueue = "audience-consent-facts";

    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_answered_channel_beats_a_delivered_one_which_beats_a_consent()
    {
        var answered = new ChannelUse("whatsapp", 1, 1, At);
        var delivered = new ChannelUse("sms", 0, 5, At.AddDays(1));
        (string, string)[] consents = [("email", "marketing"), ("max", "service")];

        Assert.Equal("whatsapp", PatientPortraits.PreferredChannel([delivered, answered], consents));
        Assert.Equal("sms", PatientPortraits.PreferredChannel([delivered, new ChannelUse("email", 0, 0, At)], consents));
        Assert.Equal("max", PatientPortraits.PreferredChannel([], consents)); // a service consent first
        Assert.Equal("email", PatientPortraits.PreferredChannel([], [("email", "service"), ("sms", "marketing")]));
        Assert.Equal("sms", PatientPortraits.PreferredChannel([], [("whatsapp", "service"), ("sms", "service")])); // then SMS, MAX, WhatsApp, e-mail
        Assert.Null(PatientPortraits.PreferredChannel([new ChannelUse("sms", 0, 0, At)], []));
        Assert.Equal("sms", PatientPortraits.PreferredChannel(
            [new ChannelUse("email", 2, 3, At), new ChannelUse("sms", 2, 4, At)], [])); // as many answers: the more delivered
    }

    [Fact]
    public async Task The_portrait_counts_each_patient_once_by_answers_then_deliveries_then_consent_and_a_late_older_consent_changes_nothing()
    {
        using var client = app.CreateClinicClient();
        var report = await client.ImportVisitsAsync("""
            patientId,date,amount,status
            PC-1,2026-03-01,2000,completed
            PC-2,2026-03-01,2000,completed
            PC-3,2026-03-01,2000,completed
            """);
        Assert.Equal(3, report.GetProperty("applied").GetInt32());

        var bus = app.Services.GetRequiredService<IBus>();
        var consentsBefore = app.Received.Finished(ConsentQueue);
        // PC-1: two SMS delivered and never answered, one WhatsApp message answered.
        var whatsapp = Guid.NewGuid();
        foreach (var (message, channel) in new[] { (Guid.NewGuid(), "sms"), (Guid.NewGuid(), "sms"), (whatsapp, "whatsapp") })
        {
            await bus.Publish(new ComposeMessage(message, "appointment.reminder", "service", [channel],
                new MessageRecipient("msk-1", "PC-1", "+79160000011", null, null, "Europe/Moscow"), "ru",
                new Dictionary<string, string?>(), null, null, At));
            await bus.Publish(new MessageStatusChanged(message, "msk-1", "PC-1", null, channel, "delivered", null, "sim", At.AddMinutes(1)));
        }

        await bus.Publish(new PatientReplied(Guid.NewGuid(), "whatsapp", "+79160000011", "Спасибо", whatsapp, null, "msk-1", "PC-1", null, At.AddMinutes(5)));
        // PC-2: no message; a MAX consent, then an older revocation arriving after it; a contact-only consent beside.
        await bus.Publish(new ConsentChanged(10, "msk-1", "PC-2", "max:42", "max", "service", true, "messenger_link", At.AddDays(-30), At.AddDays(-30)));
        await bus.Publish(new ConsentChanged(5, "msk-1", "PC-2", "max:42", "max", "service", false, "admin", At.AddDays(-40), At.AddDays(-40)));
        await bus.Publish(new ConsentChanged(11, null, null, "+79160000099", "sms", "service", true, "reply", At, At));
        // PC-3: nothing at all.

        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ConsentQueue) >= consentsBefore + 3), TimeSpan.FromSeconds(30),
            "the three consent changes consumed");
        var channels = await Eventually.GetAsync(async () =>
        {
            var portrait = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/portrait?asOf=2026-03-31");
            var shares = portrait.GetProperty("all").GetProperty("channels").EnumerateArray()
                .ToDictionary(c => c.GetProperty("key").GetString()!, c => c.GetProperty("patients").GetInt32());
            return shares["whatsapp"] == 1 && shares["max"] == 1 ? shares : null;
        }, TimeSpan.FromSeconds(30), "PC-1 on WhatsApp and PC-2 on MAX (the older revocation, consumed by now, changed nothing)");

        Assert.Equal(["sms", "max", "whatsapp", "email", "unknown"], channels.Keys);
        Assert.Equal(0, channels["sms"]);
        Assert.Equal(0, channels["email"]);
        Assert.Equal(1, channels["unknown"]); // PC-3, and the contact-only consent named no patient
    }
}
