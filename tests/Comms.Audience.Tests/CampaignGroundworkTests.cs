using System.Text.Json;
using Comms.Audience.Persistence;
using Comms.Contracts.Consent;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Audience.Tests;

/// <summary>What campaigns will stand on: how to address a patient, where their clinic is, the consented contact, and an opt-out that stops what is still to go.</summary>
public sealed class CampaignGroundworkTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private const string ConsentQueue = "audience-consent-facts";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_booking_names_the_patient_and_the_clinic_and_stamps_when_it_was_heard_of()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var before = app.Received.Finished(AudienceApp.MisQueue);
        await probe.PublishAsync("mis.events", "appointment.booked", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/clinic-msk-1", type = "appointment.booked",
            data = new
            {
                appointmentId = "CG-A-1", version = 1, startsAt = "2026-03-10T10:00:00+03:00",
                clinic = new { clinicId = "msk-1", name = "Клиника на Ленина", address = "ул. Ленина, 5", timeZone = "Europe/Moscow" },
                patient = new { patientId = "CG-P-1", firstName = "Анна", middleName = "Сергеевна", lastName = "Иванова", phone = "+79160000101" },
            },
        }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) >= before + 1), Patience, "the booking consumed");

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
        var addressee = await db.Addressees.AsNoTracking().SingleAsync(a => a.ClinicId == "msk-1" && a.PatientId == "CG-P-1");
        Assert.Equal(("Анна", "Сергеевна", "Иванова", "Europe/Moscow"), (addressee.FirstName, addressee.MiddleName, addressee.LastName, addressee.TimeZone));
        var clinic = await db.ClinicCards.AsNoTracking().SingleAsync(c => c.ClinicId == "msk-1");
        Assert.Equal(("Клиника на Ленина", "ул. Ленина, 5", "Europe/Moscow"), (clinic.Name, clinic.Address, clinic.TimeZone));
        var visit = await db.Visits.AsNoTracking().SingleAsync(v => v.ClinicId == "msk-1" && v.VisitKey == "a:CG-A-1");
        Assert.NotNull(visit.BookedAt);
    }

    [Fact]
    public async Task A_withdrawn_marketing_consent_cancels_the_patients_planned_campaign_messages_and_keeps_the_sent_ones()
    {
        var bus = app.Services.GetRequiredService<IBus>();
        var consumed = app.Received.Finished(ConsentQueue);
        await bus.Publish(new ConsentChanged(100, "msk-1", "CG-P-2", "+79160000102", "sms", "marketing", true, "mis_checkbox", At, At));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ConsentQueue) >= consumed + 1), Patience, "the grant consumed");

        Guid planned = Guid.NewGuid(), sent = Guid.NewGuid(), otherPatient = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
            var consent = await db.ChannelConsents.AsNoTracking().SingleAsync(c => c.ClinicId == "msk-1" && c.PatientId == "CG-P-2" && c.Purpose == "marketing");
            Assert.Equal(("+79160000102", "mis_checkbox", 100L), (consent.Contact, consent.Method, consent.Sequence));
            db.CampaignRecipients.AddRange(
                Recipient(Guid.NewGuid(), "CG-P-2", planned, RecipientStates.Planned),
                Recipient(Guid.NewGuid(), "CG-P-2", sent, RecipientStates.Sent),
                Recipient(Guid.NewGuid(), "CG-P-3", otherPatient, RecipientStates.Planned));
            await db.SaveChangesAsync();
        }

        await bus.Publish(new ConsentChanged(101, "msk-1", "CG-P-2", "+79160000102", "sms", "marketing", false, "reply", At.AddDays(1), At.AddDays(1)));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(ConsentQueue) >= consumed + 2), Patience, "the opt-out consumed");

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AudienceDbContext>();
            var states = await db.CampaignRecipients.AsNoTracking()
                .Where(r => r.MessageId == planned || r.MessageId == sent || r.MessageId == otherPatient)
                .ToDictionaryAsync(r => r.MessageId, r => (r.State, r.Reason));
            Assert.Equal((RecipientStates.Cancelled, (string?)ExclusionReasons.OptedOut), states[planned]);
            Assert.Equal((RecipientStates.Sent, (string?)null), states[sent]);
            Assert.Equal((RecipientStates.Planned, (string?)null), states[otherPatient]);
        }
    }

    private static CampaignRecipient Recipient(Guid campaignId, string patientId, Guid messageId, string state) => new()
    {
        CampaignId = campaignId,
        ClinicId = "msk-1",
        PatientId = patientId,
        Group = CampaignGroups.A,
        State = state,
        Channel = "sms",
        ConsentSequence = 100,
        MessageId = messageId,
        DueAt = At.AddDays(2),
        SentAt = state == RecipientStates.Sent ? At.AddHours(1) : null,
        UpdatedAt = At,
    };
}
