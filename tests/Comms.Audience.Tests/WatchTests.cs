using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary>
/// The MIS is told of segment moves and churn risk: MIS events in over the real broker, <c>audience.segment_changed</c>
/// and <c>audience.churn_risk</c> out on <c>comms.events</c>, and a low rating from Feedback making the patient unprofitable.
/// Dates are relative to the service's clock, which scores as of its today.
/// </summary>
public sealed class WatchTests : IClassFixture<WatchTests.App>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly App _app;

    public WatchTests(App app) => _app = app;

    public sealed class App() : ServiceApp<Program>("audw")
    {
        protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
        {
            settings["Audience:Watch:Interval"] = "00:00:01";
            settings["Mis:Clinics:0:ClinicId"] = "msk-1";
            settings["Mis:Clinics:0:ApiKey"] = AudienceApp.ClinicKey;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_first_visit_then_a_low_rating_are_told_as_moves_with_their_reasons()
    {
        await using var mis = await RabbitQueueProbe.ConnectAsync(_app.VirtualHost);
        var moves = await mis.BindQueueAsync("comms.events", "audience.segment_changed");
        var patientId = "W-" + Guid.NewGuid().ToString("N")[..8];
        var visitDay = DateTimeOffset.UtcNow.AddDays(-5);

        await mis.PublishAsync("mis.events", "appointment.booked", Event("appointment.booked", new
        {
            appointmentId = "A-" + patientId, version = 1, startsAt = visitDay.ToString("yyyy-MM-dd'T'10:00:00'Z'", System.Globalization.CultureInfo.InvariantCulture),
            clinic = new { clinicId = "msk-1", timeZone = "Europe/Moscow" },
            patient = new { patientId, phone = "+79160000002" },
        }));
        await mis.PublishAsync("mis.events", "appointment.completed", Event("appointment.completed", new
        {
            appointmentId = "A-" + patientId, version = 2, clinic = new { clinicId = "msk-1" }, amountPaid = 3000,
        }));

        var first = await mis.WaitForAsync(moves, e => e.GetProperty("data").GetProperty("patientId").GetString() == patientId, Patience, "the first move");
        Assert.Equal("new", first.GetProperty("data").GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("data").GetProperty("from").ValueKind);

        await mis.PublishAsync("comms.events", "feedback.received", JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = Guid.NewGuid().ToString(), source = "comms/feedback", type = "feedback.received",
            data = new { feedbackId = Guid.NewGuid().ToString(), clinicId = "msk-1", patientId, scale = "stars5", rating = 1, review = "Долго ждал", answeredAt = DateTimeOffset.UtcNow },
        }));

        var second = await mis.WaitForAsync(moves, e => e.GetProperty("data").GetProperty("patientId").GetString() == patientId, Patience, "the move after the rating");
        var data = second.GetProperty("data");
        Assert.Equal("new", data.GetProperty("from").GetString());
        Assert.Equal("unprofitable", data.GetProperty("to").GetString());
        Assert.Equal("Убыточные", data.GetProperty("title").GetString());
        Assert.Equal("Последняя оценка: 1 из 5", data.GetProperty("reasons")[0].GetProperty("text").GetString());
        Assert.DoesNotContain("Долго ждал", second.ToString(), StringComparison.Ordinal);

        // The same moves, as the API keeps them: newest first, with their reasons.
        using var client = _app.CreateClient(AudienceApp.ClinicKey);
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/msk-1/patients/{patientId}/segment-history");
        var told = history.GetProperty("moves").EnumerateArray().ToList();
        Assert.Equal(["unprofitable", "new"], told.Select(m => m.GetProperty("to").GetString()));
        Assert.Equal(JsonValueKind.Null, told[1].GetProperty("from").ValueKind);
        Assert.Equal("Последняя оценка: 1 из 5", told[0].GetProperty("reasons")[0].GetProperty("text").GetString());
        using var none = await client.GetAsync("/api/v1/audience/clinics/msk-1/patients/W-nobody/segment-history");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    private static string Event(string type, object data) => JsonSerializer.Serialize(new
    {
        specversion = "1.0", id = Guid.NewGuid().ToString(), source = "mis/clinic-msk-1", type, data,
    });
}
