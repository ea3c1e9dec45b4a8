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
    public const string WaitlistAdded = "waitlist.added";
    public const string WaitlistRemoved = "waitlist.removed";
    public const string SlotFreed = "slot.freed";

    public static readonly IReadOnlyList<string> All =
    [
        AppointmentBooked, AppointmentRescheduled, AppointmentCancelled, AppointmentCompleted, AppointmentNoShow,
        PatientUpdated, PatientConsentChanged, WaitlistAdded, WaitlistRemoved, SlotFreed,
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
    string? TimeZone,
    MisPatientProfile? Profile = null);

/// <summary>
/// What the MIS may tell about who the patient is, for the audience's portrait (all optional, additive): <c>sex</c>
/// (<c>female</c> / <c>male</c>), <c>city</c>, <c>district</c>, <c>acquisitionSource</c> (how they came: <c>referral</c>,
/// <c>site</c>, <c>aggregator</c>, …) and <c>referredBy</c> (the id of the patient who referred them).
/// </summary>
public sealed record MisPatientProfile(string? Sex, string? City, string? District, string? AcquisitionSource, string? ReferredBy)
{
    public bool IsEmpty => Sex is null && City is null && District is null && AcquisitionSource is null && ReferredBy is null;
}

public sealed record MisDoctor(string? DoctorId, string? Name, string? Specialty);

/// <summary>A service of the appointment; <c>price</c> (optional) is what the service cost on a completed visit.</summary>
public sealed record MisService(string? Code, string? Name, decimal? Price = null);

/// <summary>Data of <c>appointment.booked</c> and <c>appointment.rescheduled</c>.</summary>
public sealed record AppointmentData(
    string AppointmentId,
    long Version,
    DateTimeOffset StartsAt,
    int? DurationMinutes,
    MisClinic Clinic,
    MisPatient Patient,
    MisDoctor? Doctor,
    MisService? Service,
    string? CourseId = null);

/// <summary>Data of <c>appointment.cancelled</c>, <c>appointment.completed</c> and <c>appointment.no_show</c>.</summary>
public sealed record AppointmentClosedData(
    string AppointmentId,
    long Version,
    MisClinic Clinic,
    string? Reason,
    decimal? AmountPaid,
    IReadOnlyList<MisService>? Services,
    decimal? Discount = null,
    string? CancelledBy = null,
    bool OfferSlot = true);

/// <summary>Who cancelled an appointment (<c>appointment.cancelled</c>'s optional <c>cancelledBy</c>).</summary>
public static class CancelledBy
{
    public const string Patient = "patient";
    public const string Clinic = "clinic";

    public static readonly IReadOnlyList<string> All = [Patient, Clinic];
}

/// <summary>The patient's sex as the MIS may give it (optional <c>sex</c>).</summary>
public static class PatientSexes
{
    public const string Female = "female";
    public const string Male = "male";

    public static readonly IReadOnlyList<string> All = [Female, Male];
}

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
    string? TimeZone,
    MisPatientProfile? Profile = null);

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

/// <summary>How a consent was given or withdrawn: the evidence a court asks for. Each word is defined here once.</summary>
public static class ConsentMethods
{
    public const string MisCheckbox = "mis_checkbox";
    public const string PaperForm = "paper_form";
    public const string WebForm = "web_form";

    /// <summary>The patient's own reply (an opt-out word such as «СТОП»).</summary>
    public const string Reply = "reply";

    /// <summary>The patient used a link in an email (unsubscribe).</summary>
    public const string EmailLink = "email_link";

    public const string VerbalRecorded = "verbal_recorded";

    /// <summary>The carrier reports the number on its stop list.</summary>
    public const string CarrierStopList = "carrier_stop_list";

    public const string Admin = "admin";

    /// <summary>A gateway's: the patient opened their personal link to the clinic's bot and wrote to it.</summary>
    public const string MessengerLink = "messenger_link";

    /// <summary>A gateway's: the patient blocked the clinic's bot in the messenger.</summary>
    public const string MessengerBlocked = "messenger_blocked";

    /// <summary>What the MIS may send (<c>consent.changed</c>'s <c>method</c>).</summary>
    public static readonly IReadOnlyList<string> All = [MisCheckbox, PaperForm, WebForm, Reply, EmailLink, VerbalRecorded, CarrierStopList, Admin];

    /// <summary>The patient's own refusals: no grant the clinic records overrides them without a new act of the patient.</summary>
    public static readonly IReadOnlyList<string> PatientOptOuts = [Reply, EmailLink, CarrierStopList, MessengerBlocked];

    /// <summary>The patient's own acts, which may lift their own refusal.</summary>
    public static readonly IReadOnlyList<string> PatientActs = [PaperForm, WebForm, VerbalRecorded, Reply, EmailLink, MessengerLink];
}

/// <summary>
/// Data of <c>waitlist.added</c>: the patient asked to be offered an earlier time with the doctor (or any doctor of
/// the specialty) within the period. The same <c>entryId</c> again changes the entry.
/// </summary>
public sealed record WaitlistAddedData(
    string EntryId,
    MisClinic Clinic,
    MisPatient Patient,
    string? DoctorId,
    string? Specialty,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset? AddedAt);

/// <summary>Data of <c>waitlist.removed</c>: the entry is off the list (booked, no longer needed).</summary>
public sealed record WaitlistRemovedData(string EntryId, MisClinic Clinic, string? Reason);

/// <summary>Data of <c>slot.freed</c>: a doctor's time is free and may be offered to the waitlist.</summary>
public sealed record SlotFreedData(
    string? SlotId,
    MisClinic Clinic,
    MisDoctor Doctor,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    MisService? Service);
