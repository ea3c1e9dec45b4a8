using System.Globalization;
using System.Text.Json;
using Comms.Contracts.Mis;
using Comms.Inbox.Persistence;
using Comms.ServiceDefaults.Messaging;
using Comms.Mis;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Inbox.Features.Conversations;

/// <summary>
/// The MIS's appointment and patient events (queue <c>inbox-mis-events</c>): the patient's name and contacts and their
/// appointments, for the card beside the thread. Applied once each, one appointment at a time; versions decide.
/// </summary>
public sealed class MisCardsConsumer(InboxDbContext db, TimeProvider clock, BatchIsolation isolation, ILogger<MisCardsConsumer> logger)
    : MisEventConsumer(db, clock, isolation, logger)
{
    private readonly InboxDbContext _db = db;
    private readonly TimeProvider _clock = clock;

    public const string QueueName = "inbox-mis-events";

    public static readonly string[] RoutingKeys = ["appointment.*", MisEventTypes.PatientUpdated];

    protected override async Task ApplyAsync(MisEvent misEvent, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        switch (misEvent.Data)
        {
            case AppointmentData booking:
            {
                await CardAsync(booking.Clinic.ClinicId, booking.Patient.PatientId, booking.Patient.LastName, booking.Patient.FirstName, booking.Patient.MiddleName,
                    booking.Patient.Phone, booking.Patient.Email, cancellationToken);
                await _db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO clinics ("ClinicId", "Name", "Address", "UpdatedAt") VALUES ({booking.Clinic.ClinicId}, {booking.Clinic.Name}, {booking.Clinic.Address}, {now})
                    ON CONFLICT ("ClinicId") DO UPDATE SET "Name" = COALESCE(EXCLUDED."Name", clinics."Name"),
                        "Address" = COALESCE(EXCLUDED."Address", clinics."Address"), "UpdatedAt" = EXCLUDED."UpdatedAt"
                    """, cancellationToken);
                var appointment = await AppointmentAsync(booking.Clinic.ClinicId, booking.AppointmentId, cancellationToken);
                if (appointment.Version >= booking.Version)
                {
                    return;
                }

                if (appointment.StartsAt != booking.StartsAt.ToUniversalTime())
                {
                    appointment.Confirmation = null; // a new time is a new question
                }

                appointment.Version = booking.Version;
                appointment.PatientId = booking.Patient.PatientId;
                appointment.StartsAt = booking.StartsAt.ToUniversalTime();
                appointment.TimeZone = booking.Patient.TimeZone ?? booking.Clinic.TimeZone;
                appointment.Status = "booked";
                appointment.UpdatedAt = now;
                return;
            }

            case AppointmentClosedData closing:
            {
                var appointment = await AppointmentAsync(closing.Clinic.ClinicId, closing.AppointmentId, cancellationToken);
                if (appointment.Version >= closing.Version)
                {
                    return;
                }

                appointment.Version = closing.Version;
                appointment.Status = ClosedStatusOf(misEvent.Type);
                appointment.UpdatedAt = now;
                return;
            }

            case PatientUpdatedData patient:
                await CardAsync(patient.ClinicId, patient.PatientId, patient.LastName, patient.FirstName, patient.MiddleName, patient.Phone, patient.Email, cancellationToken);
                return;
            default:
                throw NotHandled("Inbox", misEvent.Type);
        }
    }

    private async Task CardAsync(string clinicId, string patientId, string? lastName, string? firstName, string? middleName, string? phone, string? email, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await _db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO patients ("ClinicId", "PatientId", "LastName", "FirstName", "MiddleName", "Phone", "Email", "UpdatedAt")
            VALUES ({clinicId}, {patientId}, {lastName}, {firstName}, {middleName}, {phone}, {email}, {now})
            ON CONFLICT ("ClinicId", "PatientId") DO UPDATE SET
                "LastName" = COALESCE(EXCLUDED."LastName", patients."LastName"),
                "FirstName" = COALESCE(EXCLUDED."FirstName", patients."FirstName"),
                "MiddleName" = COALESCE(EXCLUDED."MiddleName", patients."MiddleName"),
                "Phone" = COALESCE(EXCLUDED."Phone", patients."Phone"),
                "Email" = COALESCE(EXCLUDED."Email", patients."Email"),
                "UpdatedAt" = EXCLUDED."UpdatedAt"
            """, cancellationToken);
    }

    private async Task<PatientAppointment> AppointmentAsync(string clinicId, string appointmentId, CancellationToken cancellationToken)
    {
        if (await _db.Appointments.FindAsync([clinicId, appointmentId], cancellationToken) is { } known)
        {
            return known;
        }

        var appointment = new PatientAppointment { ClinicId = clinicId, AppointmentId = appointmentId };
        _db.Appointments.Add(appointment);
        return appointment;
    }
}

/// <summary>Scheduling's <c>appointment.confirmed</c> / <c>appointment.cancellation_requested</c> (queue <c>inbox-answers</c>): the card's confirmation state.</summary>
public sealed class ConfirmationAnswersConsumer(InboxDbContext db, TimeProvider time) : IConsumer<RawCommsEvent>
{
    public const string QueueName = "inbox-answers";
    public const string Confirmed = "appointment.confirmed";
    public const string CancellationRequested = "appointment.cancellation_requested";

    public async Task Consume(ConsumeContext<RawCommsEvent> context)
    {
        using var document = JsonDocument.Parse(context.ReceiveContext.Body.GetBytes());
        var root = document.RootElement;
        var type = Text(root, "type");
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object || type is not (Confirmed or CancellationRequested)
            || Text(data, "clinicId") is not { } clinicId || Text(data, "appointmentId") is not { } appointmentId)
        {
            throw new MessageRejectedException($"'{type}' without data.clinicId and data.appointmentId names no appointment");
        }

        var cancellationToken = context.CancellationToken;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.TryBeginAsync($"{Text(root, "source")}|{Text(root, "id")}|{appointmentId}", context, time))
        {
            return;
        }

        await db.LockSubjectAsync($"appointment|{clinicId}|{appointmentId}", cancellationToken);
        var appointment = await db.Appointments.FindAsync([clinicId, appointmentId], cancellationToken);
        if (appointment is null)
        {
            appointment = new PatientAppointment { ClinicId = clinicId, AppointmentId = appointmentId, PatientId = Text(data, "patientId") };
            db.Appointments.Add(appointment);
        }

        appointment.Confirmation ??= type == Confirmed ? "confirmed" : "cancellation_requested";
        appointment.UpdatedAt = DateTimeOffset.TryParse(Text(data, "answeredAt"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.ToUniversalTime() : time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 200 } text ? text : null;
}
