using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.EndToEnd.Tests;

/// <summary>
/// Audience through the real processes: the MIS's booking and completion of a first visit on <c>mis.events</c> → the
/// patient's history at Audience → <c>audience.segment_changed</c> to the MIS on <c>comms.events</c>, the patient new.
/// </summary>
[Collection(CommsSystemCollection.Name)]
public sealed class AudienceJourneyTests(CommsSystem system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_first_visit_from_the_mis_makes_the_patient_new_and_the_mis_is_told()
    {
        var appointmentId = "A-" + Guid.NewGuid().ToString("N")[..8];
        var patientId = "P-" + appointmentId;
        await using var mis = await RabbitQueueProbe.ConnectAsync(system.VirtualHost);
        var changes = await mis.BindQueueAsync("comms.events", "audience.segment_changed");

        await mis.PublishAsync("mis.events", "appointment.booked",
            MisEvents.Booked("b-" + appointmentId, appointmentId, MisEvents.NewPhone(), DateTimeOffset.UtcNow.AddDays(-3)));
        await mis.PublishAsync("mis.events", "appointment.completed", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "c-" + appointmentId, source = "mis/clinic-msk-1", type = "appointment.completed",
            data = new { appointmentId, version = 2, clinic = new { clinicId = CommsSystem.ClinicId }, amountPaid = 4500 },
        }));

        var changed = await mis.WaitForAsync(changes, e => e.GetProperty("data").GetProperty("patientId").GetString() == patientId,
            Patience, () => "audience.segment_changed on comms.events\n" + system.Logs());
        Assert.Equal("1.0", changed.GetProperty("specversion").GetString());
        Assert.Equal("comms/audience", changed.GetProperty("source").GetString());
        var data = changed.GetProperty("data");
        Assert.Equal(JsonValueKind.Null, data.GetProperty("from").ValueKind);
        Assert.Equal("new", data.GetProperty("to").GetString());
        Assert.Equal("Новые", data.GetProperty("title").GetString());
        Assert.Equal("first_visit_recent", data.GetProperty("reasons")[0].GetProperty("code").GetString());

        var figures = await system.Audience.Http.GetFromJsonAsync<JsonElement>($"api/v1/audience/clinics/{CommsSystem.ClinicId}/patients/{patientId}");
        Assert.Equal(1, figures.GetProperty("visits").GetInt32());
        Assert.Equal(4500m, figures.GetProperty("revenue").GetDecimal());
    }
}
