using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Testing;

namespace Comms.Feedback.Tests;

public sealed class RequestsTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Fact]
    public async Task Completed_visit_is_asked_once_two_hours_later_with_the_details_from_its_booking()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();

        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);

        Assert.Equal(RequestStatuses.Pending, request.Status);
        Assert.Equal(TimeSpan.FromHours(2), request.DueAt - request.CreatedAt);
        Assert.Equal(["sms"], request.Channels);
        Assert.Equal("stars5", request.Scale);
        var visit = await visits.VisitAsync(FeedbackApp.ClinicId, id);
        Assert.Equal(("completed", 2L, "Иванова", "D-5", "DENT-HYG"), (visit!.Status, visit.Version, visit.LastName, visit.DoctorId, visit.ServiceCode));

        // The same completion again (a redelivery, or a newer version) plans nothing more.
        await visits.PublishAsync("appointment.completed", Visits.Completion(FeedbackApp.ClinicId, id, version: 3));
        await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal(3, (await Eventually.GetAsync(async () => await visits.VisitAsync(FeedbackApp.ClinicId, id) is { Version: 3 } v ? v : null, Visits.Patience, "version 3"))!.Version);
        Assert.Equal(request.MessageId, (await visits.RequestAsync(FeedbackApp.ClinicId, id)).MessageId);
    }

    [Fact]
    public async Task Due_time_waits_for_the_clinics_send_window_in_its_zone()
    {
        await using var visits = await Visits.OpenAsync(app);

        var request = await visits.CompleteAsync(FeedbackApp.NightClinicId, Visits.NewId());

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");
        var window = new SendWindow { Start = new TimeOnly(3, 0), End = new TimeOnly(3, 30) };
        Assert.Equal(window.NextOpen(request.CreatedAt + TimeSpan.FromHours(2), zone), request.DueAt);
        var local = TimeZoneInfo.ConvertTime(request.DueAt, zone);
        Assert.InRange(TimeOnly.FromDateTime(local.DateTime), new TimeOnly(3, 0), new TimeOnly(3, 29, 59));
        Assert.Equal(["whatsapp", "sms"], request.Channels);
    }

    [Fact]
    public async Task A_patient_asked_within_thirty_days_is_not_asked_again_and_the_skip_says_why()
    {
        await using var visits = await Visits.OpenAsync(app);
        var patient = Visits.NewId("P");
        var first = Visits.NewId();
        var second = Visits.NewId();

        await visits.CompleteAsync(FeedbackApp.ClinicId, first, patient);
        await visits.SendAsync(FeedbackApp.ClinicId, first);
        var skipped = await visits.CompleteAsync(FeedbackApp.ClinicId, second, patient);

        Assert.Equal(RequestStatuses.Skipped, skipped.Status);
        Assert.Contains(first, skipped.StatusReason);
        Assert.Contains("30 days", skipped.StatusReason);
    }

    [Fact]
    public async Task Stale_booking_changes_nothing_and_patient_update_reaches_the_visit()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var patient = "P-" + id;
        await visits.PublishAsync("appointment.booked", Visits.Booking(FeedbackApp.ClinicId, id, patient, DateTimeOffset.UtcNow, version: 3, firstName: "Анна"));
        await Eventually.GetAsync(() => visits.VisitAsync(FeedbackApp.ClinicId, id), Visits.Patience, "the booking");

        await visits.PublishAsync("appointment.booked", Visits.Booking(FeedbackApp.ClinicId, id, patient, DateTimeOffset.UtcNow, version: 2, firstName: "Старое"));
        await visits.PublishAsync("patient.updated", new { patientId = patient, clinicId = FeedbackApp.ClinicId, phone = "+7 916 765-43-21" });

        var visit = await Eventually.GetAsync(async () => await visits.VisitAsync(FeedbackApp.ClinicId, id) is { Phone: "+79167654321" or "+7 916 765-43-21" } v ? v : null, Visits.Patience, "the new phone");
        Assert.Equal(("Анна", 3L), (visit.FirstName, visit.Version));
    }

    [Fact]
    public async Task Completion_before_its_booking_is_asked_with_the_booking_details_once_they_arrive()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.PublishAsync("appointment.completed", Visits.Completion(FeedbackApp.ClinicId, id, version: 2));
        await visits.RequestAsync(FeedbackApp.ClinicId, id);
        await visits.PublishAsync("appointment.booked", Visits.Booking(FeedbackApp.ClinicId, id, "P-" + id, DateTimeOffset.UtcNow.AddHours(-1), version: 1));
        await Eventually.GetAsync(async () => await visits.VisitAsync(FeedbackApp.ClinicId, id) is { HasDetails: true } v ? v : null, Visits.Patience, "the late booking");

        var (message, _) = await visits.SendAsync(FeedbackApp.ClinicId, id);

        Assert.Equal("completed", (await visits.VisitAsync(FeedbackApp.ClinicId, id))!.Status);
        Assert.Equal("Анна", message.GetProperty("model").GetProperty("patient.firstName").GetString());
    }

    [Fact]
    public async Task Dispatcher_sends_compose_message_with_the_personal_link_and_keeps_only_its_hash()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        var request = await visits.CompleteAsync(FeedbackApp.ClinicId, id);

        var (message, link) = await visits.SendAsync(FeedbackApp.ClinicId, id);

        Assert.Equal(request.MessageId, message.GetProperty("messageId").GetGuid());
        Assert.Equal("feedback.request", message.GetProperty("templateKey").GetString());
        Assert.Equal("service", message.GetProperty("purpose").GetString());
        Assert.Equal("rating", message.GetProperty("expectedReply").GetString());
        Assert.Equal(["sms"], message.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("+79161234567", message.GetProperty("recipient").GetProperty("phone").GetString());
        var model = message.GetProperty("model");
        Assert.Equal("stars5", model.GetProperty("feedback.scale").GetString());
        Assert.Equal("Клиника на Ленина", model.GetProperty("clinic.name").GetString());
        Assert.StartsWith(FeedbackApp.PublicBaseUrl + "/f/", link);
        var token = link[(FeedbackApp.PublicBaseUrl + "/f/").Length..];
        Assert.Equal(22, token.Length); // 128 bits, base64url

        var sent = await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal(RequestStatuses.Sent, sent.Status);
        Assert.Equal(FeedbackLinks.Hash(token), sent.TokenHash);
        Assert.Equal(TimeSpan.FromDays(14), sent.LinkExpiresAt - sent.DispatchedAt);
    }

    [Fact]
    public async Task Cancelled_after_completion_is_not_asked()
    {
        await using var visits = await Visits.OpenAsync(app);
        var id = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, id);
        await visits.PublishAsync("appointment.cancelled", new { appointmentId = id, version = 5, clinic = new { clinicId = FeedbackApp.ClinicId } });
        await Eventually.GetAsync(async () => await visits.VisitAsync(FeedbackApp.ClinicId, id) is { Status: VisitStatuses.Cancelled } v ? v : null, Visits.Patience, "the cancellation");

        await visits.DispatchAsync(FeedbackApp.ClinicId, id);

        var request = await visits.RequestAsync(FeedbackApp.ClinicId, id);
        Assert.Equal(RequestStatuses.Skipped, request.Status);
        Assert.Contains("no longer completed", request.StatusReason);
    }
}
