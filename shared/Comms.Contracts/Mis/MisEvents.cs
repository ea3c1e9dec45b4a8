namespace Comms.Contracts.Mis;

/// <summary>The event types a clinic's MIS sends (CloudEvents <c>type</c>, also the AMQP routing key).</summary>
public static class MisEventTypes
{
    public const string AppointmentBooked = "appointment.booked";
    public const string AppointmentRescheduled = "appointment.rescheduled";
    public const string AppointmentCancelled = "appointment.cancelled";
    public const string AppointmentCompleted = "appointment.completed";
    public const string AppointmentNoShow = "appointment.no_show";
    public const string PatientUpdated = "patient.updated";
    public const string PatientConsentChanged = "patient.consent_changed";

    public static readonly IReadOnlyList<string> All =
    [
        AppointmentBooked, AppointmentRescheduled, AppointmentCancelled, AppointmentCompleted, AppointmentNoShow,
        PatientUpdated, PatientConsentChanged,
    ];
}

/// <summary>A validated MIS CloudEvent: the envelope plus its typed <c>data</c>.</summary>
public sealed record MisEvent(
    string Id,
    string Source,
    string Type,
    DateTimeOffset? Time,
    object Data)
{
    /// <summary>CloudEvents make (source, id) unique; it is the idempotency key of every MIS event.</summary>
    public string Key => $"{Source}|{Id}";
}

public sealed record MisClinic(string ClinicId, string? Name, string? Address, string? TimeZone);

public sealed record MisPatient(
    string PatientId,
    string? LastName,
    string? FirstName,
    string? MiddleName,
    string? Phone,
    string? Email,
    DateOnly? BirthDate,
    string? TimeZone);

public sealed record MisDoctor(string? DoctorId, string? Name, string? Specialty);

public sealed record MisService(string? Code, string? Name);

/// <summary>Data of <c>appointment.booked</c> and <c>appointment.rescheduled</c>.</summary>
public sealed record AppointmentData(
    string AppointmentId,
    long Version,
    DateTimeOffset StartsAt,
    int? DurationMinutes,
    MisClinic Clinic,
    MisPatient Patient,
    MisDoctor? Doctor,
    MisService? Service);

/// <summary>Data of <c>appointment.cancelled</c>, <c>appointment.completed</c> and <c>appointment.no_show</c>.</summary>
public sealed record AppointmentClosedData(
    string AppointmentId,
    long Version,
    MisClinic Clinic,
    string? Reason,
    decimal? AmountPaid,
    IReadOnlyList<MisService>? Services);

/// <summary>Data of <c>patient.updated</c>: only the fields present are changed.</summary>
public sealed record PatientUpdatedData(
    string PatientId,
    string ClinicId,
    string? LastName,
    string? FirstName,
    string? MiddleName,
    string? Phone,
    string? Email,
    DateOnly? BirthDate,
    string? TimeZone);

/// <summary>Data of <c>patient.consent_changed</c>: one consent decision with its evidence.</summary>
public sealed record ConsentChangedData(
    string PatientId,
    string ClinicId,
    string? Phone,
    string? Email,
    string? MessengerId,
    string Channel,
    string Purpose,
    bool Granted,
    string Method,
    string? DocumentRef,
    DateTimeOffset? CapturedAt,
    string? CapturedBy);

/// <summary>How a consent was given or withdrawn: the evidence a court asks for.</summary>
public static class ConsentMethods
{
    public static readonly IReadOnlyList<string> All =
    [
        "mis_checkbox", "paper_form", "web_form", "reply", "email_link", "verbal_recorded", "carrier_stop_list", "admin",
    ];
}
