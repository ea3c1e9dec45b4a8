using System.Globalization;
using System.Text.Json;
using Comms.Contracts.Delivery;
using Comms.Feedback.Features.Requests;
using Comms.Feedback.Persistence;
using Comms.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Comms.Feedback.Tests;

/// <summary>Drives Feedback as the MIS and a patient would: MIS events over AMQP, replies on the bus, the page over HTTP.</summary>
public sealed class Visits(FeedbackApp app, RabbitQueueProbe broker) : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public RabbitQueueProbe Broker => broker;

    public static async Task<Visits> OpenAsync(FeedbackApp app) => new(app, await RabbitQueueProbe.ConnectAsync(app.VirtualHost));

    public static string NewId(string prefix = "A") => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public async Task PublishAsync(string type, object data, string? eventId = null) =>
        await broker.PublishAsync("mis.events", type, JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = eventId ?? "e-" + Guid.NewGuid().ToString("N"), source = "mis/test", type, data,
        }));

    public static object Booking(
        string clinicId, string appointmentId, string patientId, DateTimeOffset startsAt, int version = 1,
        string firstName = "Анна", string? email = "anna@example.ru", string timeZone = "Europe/Moscow", string doctorId = "D-5", string serviceCode = "DENT-HYG") => new
    {
        appointmentId,
        version,
        startsAt = startsAt.ToOffset(TimeSpan.FromHours(3)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        clinic = new { clinicId, name = "Клиника на Ленина", timeZone },
        patient = new { patientId, lastName = "Иванова", firstName, middleName = "Сергеевна", phone = "+7 916 123-45-67", email },
        doctor = new { doctorId, name = "Петров Павел Петрович", specialty = "Стоматолог-терапевт" },
        service = new { code = serviceCode, name = "Профессиональная гигиена" },
    };

    public static object Completion(string clinicId, string appointmentId, int version = 2) =>
        new { appointmentId, version, clinic = new { clinicId }, amountPaid = 3500 };

    /// <summary>Books and completes a visit; returns its request once planned.</summary>
    public async Task<FeedbackRequest> CompleteAsync(string clinicId, string appointmentId, string? patientId = null, string doctorId = "D-5", string serviceCode = "DENT-HYG", string firstName = "Анна")
    {
        await PublishAsync("appointment.booked", Booking(clinicId, appointmentId, patientId ?? "P-" + appointmentId, DateTimeOffset.UtcNow.AddHours(-1), doctorId: doctorId, serviceCode: serviceCode, firstName: firstName));
        // The MIS books and completes hours apart; here the completion waits for the booking to be applied.
        await Eventually.GetAsync(() => VisitAsync(clinicId, appointmentId), Patience, $"the booking of {appointmentId}");
        await PublishAsync("appointment.completed", Completion(clinicId, appointmentId));
        return await RequestAsync(clinicId, appointmentId);
    }

    public async Task<FeedbackRequest> RequestAsync(string clinicId, string appointmentId, Func<FeedbackRequest, bool>? until = null) =>
        await Eventually.GetAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            var request = await db.Requests.AsNoTracking().SingleOrDefaultAsync(r => r.ClinicId == clinicId && r.AppointmentId == appointmentId);
            return request is not null && (until?.Invoke(request) ?? true) ? request : null;
        }, Patience, $"the feedback request of visit {appointmentId}");

    public async Task<Visit?> VisitAsync(string clinicId, string appointmentId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FeedbackDbContext>().Visits.AsNoTracking()
            .SingleOrDefaultAsync(v => v.ClinicId == clinicId && v.AppointmentId == appointmentId);
    }

    /// <summary>Moves a pending request's due time into the past, then runs the dispatcher until nothing more is due.</summary>
    public async Task DispatchAsync(string clinicId, string appointmentId)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
            await db.Requests.Where(r => r.ClinicId == clinicId && r.AppointmentId == appointmentId && r.Status == RequestStatuses.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        var dispatcher = app.Services.GetServices<IHostedService>().OfType<DueDispatcher>().Single();
        while (await dispatcher.DispatchDueAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Sends the request and returns the ComposeMessage that went out for it, and the page link in it.</summary>
    public async Task<(JsonElement Message, string Link)> SendAsync(string clinicId, string appointmentId)
    {
        var composed = await broker.BindQueueAsync("Comms.Contracts.Scheduling:ComposeMessage", "", "fanout");
        await DispatchAsync(clinicId, appointmentId);
        var message = await broker.WaitForMessageAsync(composed, m => m.GetProperty("appointmentId").GetString() == appointmentId, Patience, $"ComposeMessage for {appointmentId}");
        return (message, message.GetProperty("model").GetProperty("feedback.link").GetString()!);
    }

    public async Task ReplyAsync(FeedbackRequest request, string text, string expectedReply = "rating", Guid? inReplyTo = null, string channel = "sms") =>
        await app.Services.GetRequiredService<IBus>().Publish(new PatientReplied(
            Guid.CreateVersion7(), channel, "+79161234567", text, inReplyTo ?? request.MessageId, expectedReply,
            request.ClinicId, request.PatientId, request.AppointmentId, DateTimeOffset.UtcNow));

    public async ValueTask DisposeAsync() => await broker.DisposeAsync();
}
