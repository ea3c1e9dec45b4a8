using System.Text.Json;
using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary>The MIS's events over the real broker become the patients' history.</summary>
public sealed class MisHistoryTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_booking_and_its_completion_are_a_visit_with_its_amount_and_a_stale_event_changes_nothing()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        using var client = app.CreateClinicClient();
        var before = app.Received.Finished(AudienceApp.MisQueue);

        await probe.PublishAsync("mis.events", "appointment.booked", Booked("MIS-A-1", "MIS-P-1", 1, "2025-04-10T10:00:00+03:00"));
        await probe.PublishAsync("mis.events", "appointment.completed", Closed("appointment.completed", "MIS-A-1", 3,
            new() { ["amountPaid"] = 6500, ["discount"] = 500, ["services"] = new[] { new { code = "DENT-HYG", price = 7000 } } }));
        // An older closing arriving late: version 2 < 3.
        await probe.PublishAsync("mis.events", "appointment.no_show", Closed("appointment.no_show", "MIS-A-1", 2, []));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) >= before + 3), Patience, "the three events consumed");

        var patient = await client.PatientAsync("MIS-P-1", "2025-05-01");
        Assert.Equal(1, patient.GetProperty("visits").GetInt32());
        Assert.Equal(6500m, patient.GetProperty("revenue").GetDecimal());
        Assert.Equal(0, patient.GetProperty("noShowRate").GetDouble());
        Assert.Equal("2025-04-10", patient.GetProperty("lastVisit").GetString());
        Assert.Equal(0.0714, patient.GetProperty("discountShare").GetDouble(), 3);
    }

    [Fact]
    public async Task A_patients_cancellation_counts_against_them_and_the_clinics_does_not()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        using var client = app.CreateClinicClient();
        var before = app.Received.Finished(AudienceApp.MisQueue);

        await probe.PublishAsync("mis.events", "appointment.booked", Booked("MIS-C-1", "MIS-P-2", 1, "2025-03-01T09:00:00+03:00"));
        await probe.PublishAsync("mis.events", "appointment.completed", Closed("appointment.completed", "MIS-C-1", 2, new() { ["amountPaid"] = 1000 }));
        await probe.PublishAsync("mis.events", "appointment.booked", Booked("MIS-C-2", "MIS-P-2", 1, "2025-03-10T09:00:00+03:00"));
        await probe.PublishAsync("mis.events", "appointment.cancelled", Closed("appointment.cancelled", "MIS-C-2", 2, new() { ["cancelledBy"] = "patient" }));
        await probe.PublishAsync("mis.events", "appointment.booked", Booked("MIS-C-3", "MIS-P-2", 1, "2025-03-20T09:00:00+03:00"));
        await probe.PublishAsync("mis.events", "appointment.cancelled", Closed("appointment.cancelled", "MIS-C-3", 2, new() { ["cancelledBy"] = "clinic" }));
        await Eventually.TrueAsync(() => Task.FromResult(app.Received.Finished(AudienceApp.MisQueue) >= before + 6), Patience, "the six events consumed");

        var patient = await client.PatientAsync("MIS-P-2", "2025-04-01");
        Assert.Equal(2, patient.GetProperty("bookings").GetInt32());
        Assert.Equal(0.5, patient.GetProperty("cancellationRate").GetDouble(), 6);
    }

    [Fact]
    public async Task An_invalid_event_goes_to_the_error_queue_with_the_field_named()
    {
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);

        await probe.PublishAsync("mis.events", "appointment.completed", Closed("appointment.completed", "MIS-BAD-1", 2, new() { ["discount"] = -1 }));

        var dead = await Eventually.GetAsync(() => probe.GetAsync(AudienceApp.MisQueue + "_error"), Patience, "the event in the error queue");
        Assert.Contains("data.discount", dead.Header("MT-Fault-Message"), StringComparison.Ordinal);
    }

    private static string Booked(string appointmentId, string patientId, int version, string startsAt) => JsonSerializer.Serialize(new
    {
        specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/clinic-msk-1", type = "appointment.booked",
        data = new
        {
            appointmentId, version, startsAt,
            clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" },
            patient = new { patientId, phone = "+79160000001", sex = "female", city = "Москва", acquisitionSource = "referral" },
            service = new { code = "DENT-HYG" },
            courseId = "C-1",
        },
    });

    private static string Closed(string type, string appointmentId, int version, Dictionary<string, object> extra)
    {
        var data = new Dictionary<string, object> { ["appointmentId"] = appointmentId, ["version"] = version, ["clinic"] = new { clinicId = "msk-1" } };
        foreach (var (key, value) in extra)
        {
            data[key] = value;
        }

        return JsonSerializer.Serialize(new { specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/clinic-msk-1", type, data });
    }
}
