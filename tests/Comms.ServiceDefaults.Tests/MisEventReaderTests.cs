using System.Text;
using Comms.Contracts.Mis;
using Comms.Mis;

namespace Comms.ServiceDefaults.Tests;

public sealed class MisEventReaderTests
{
    // The example of ARCHITECTURE.md, verbatim: the contract every MIS is told to follow.
    private const string Booked = """
        {"specversion":"1.0","id":"evt-000123","source":"mis/clinic-msk-1","type":"appointment.booked",
         "time":"2026-11-23T09:00:00Z","datacontenttype":"application/json",
         "data":{"appointmentId":"A-1001","version":1,"startsAt":"2026-11-25T10:30:00+03:00","durationMinutes":30,
           "clinic":{"clinicId":"msk-1","name":"Клиника на Ленина","address":"ул. Ленина, 5","timeZone":"Europe/Moscow"},
           "patient":{"patientId":"P-77","lastName":"Иванова","firstName":"Анна","middleName":"Сергеевна",
                      "phone":"+7 916 123-45-67","email":"anna@example.ru","birthDate":"1990-05-01"},
           "doctor":{"doctorId":"D-5","name":"Петров Павел Петрович","specialty":"Стоматолог-терапевт"},
           "service":{"code":"DENT-HYG","name":"Профессиональная гигиена"}}}
        """;

    // The waitlist's examples of docs/mis-integration.md (3.6, 3.7), verbatim.
    private const string WaitlistAdded = """
        {"specversion":"1.0","id":"evt-000150","source":"mis/clinic-msk-1","type":"waitlist.added","time":"2026-11-20T08:00:00Z",
         "data":{"entryId":"W-31","clinic":{"clinicId":"msk-1","name":"Клиника на Ленина","timeZone":"Europe/Moscow"},
           "patient":{"patientId":"P-77","firstName":"Анна","phone":"+7 916 123-45-67"},
           "doctor":{"doctorId":"D-5"},"specialty":"Стоматолог-терапевт",
           "period":{"from":"2026-11-21T00:00:00+03:00","to":"2026-12-05T00:00:00+03:00"},
           "addedAt":"2026-11-20T10:55:00+03:00"}}
        """;

    private const string SlotFreed = """
        {"specversion":"1.0","id":"evt-000151","source":"mis/clinic-msk-1","type":"slot.freed","time":"2026-11-24T08:40:00Z",
         "data":{"slotId":"SL-D5-202611251030","clinic":{"clinicId":"msk-1","name":"Клиника на Ленина","timeZone":"Europe/Moscow"},
           "doctor":{"doctorId":"D-5","name":"Петров Павел Петрович","specialty":"Стоматолог-терапевт"},
           "startsAt":"2026-11-25T10:30:00+03:00","durationMinutes":30}}
        """;

    private static MisEventReadResult Read(string json) => MisEventReader.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Architecture_example_of_appointment_booked_is_read_with_normalized_contacts()
    {
        var result = Read(Booked);

        Assert.True(result.IsValid, result.Describe());
        var data = Assert.IsType<AppointmentData>(result.Event!.Data);
        Assert.Equal("mis/clinic-msk-1|evt-000123", result.Event.Key);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 30, 0, TimeSpan.Zero), data.StartsAt);
        Assert.Equal("+79161234567", data.Patient.Phone);
        Assert.Equal("anna@example.ru", data.Patient.Email);
        Assert.Equal(new DateOnly(1990, 5, 1), data.Patient.BirthDate);
        Assert.Equal("Europe/Moscow", data.Clinic.TimeZone);
    }

    [Theory]
    [InlineData("\"startsAt\":\"2026-11-25T10:30:00+03:00\"", "\"startsAt\":\"2026-11-25T10:30:00\"", "data.startsAt")]
    [InlineData("\"timeZone\":\"Europe/Moscow\"", "\"timeZone\":\"Moscow\"", "data.clinic.timeZone")]
    [InlineData("\"phone\":\"+7 916 123-45-67\"", "\"phone\":\"12\"", "data.patient.phone")]
    [InlineData("\"version\":1", "\"version\":\"one\"", "data.version")]
    [InlineData("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"", "specversion")]
    [InlineData("\"type\":\"appointment.booked\"", "\"type\":\"appointment.moved\"", "type")]
    [InlineData("\"appointmentId\":\"A-1001\",", "", "data.appointmentId")]
    [InlineData("\"email\":\"anna@example.ru\"", "\"email\":\"anna@\"", "data.patient.email")]
    public void Each_bad_field_is_named_in_the_errors(string good, string bad, string field)
    {
        var result = Read(Booked.Replace(good, bad, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(field), result.Describe());
    }

    [Fact]
    public void The_audience_fields_are_read_when_present_and_the_event_stays_valid_without_them()
    {
        var booked = Read(Booked
            .Replace("\"birthDate\":\"1990-05-01\"", "\"birthDate\":\"1990-05-01\",\"sex\":\"female\",\"city\":\"Москва\",\"district\":\"Хамовники\",\"acquisitionSource\":\"referral\",\"referredBy\":\"P-12\"", StringComparison.Ordinal)
            .Replace("\"durationMinutes\":30,", "\"durationMinutes\":30,\"courseId\":\"C-9\",", StringComparison.Ordinal));
        var completed = Read("""
            {"specversion":"1.0","id":"e-2","source":"mis","type":"appointment.completed",
             "data":{"appointmentId":"A-1","version":2,"clinic":{"clinicId":"msk-1"},"amountPaid":6500.00,"discount":500,
               "services":[{"code":"DENT-HYG","name":"Гигиена","price":5500},{"code":"DENT-FL"}]}}
            """);
        var cancelled = Read("""
            {"specversion":"1.0","id":"e-3","source":"mis","type":"appointment.cancelled",
             "data":{"appointmentId":"A-1","version":3,"clinic":{"clinicId":"msk-1"},"cancelledBy":"patient"}}
            """);

        Assert.True(booked.IsValid, booked.Describe());
        var appointment = Assert.IsType<AppointmentData>(booked.Event!.Data);
        Assert.Equal(new MisPatientProfile("female", "Москва", "Хамовники", "referral", "P-12"), appointment.Patient.Profile);
        Assert.Equal("C-9", appointment.CourseId);
        Assert.Null(Assert.IsType<AppointmentData>(Read(Booked).Event!.Data).Patient.Profile);
        var visit = Assert.IsType<AppointmentClosedData>(completed.Event!.Data);
        Assert.Equal(500m, visit.Discount);
        Assert.Equal([5500m, null], visit.Services!.Select(x => x.Price));
        Assert.Equal(CancelledBy.Patient, Assert.IsType<AppointmentClosedData>(cancelled.Event!.Data).CancelledBy);
    }

    [Theory]
    [InlineData("\"birthDate\":\"1990-05-01\"", "\"birthDate\":\"1990-05-01\",\"sex\":\"f\"", "data.patient.sex")]
    [InlineData("\"durationMinutes\":30,", "\"durationMinutes\":30,\"courseId\":12,", "data.courseId")]
    public void A_wrong_audience_field_on_a_booking_is_named(string good, string bad, string field)
    {
        var result = Read(Booked.Replace(good, bad, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(field), result.Describe());
    }

    [Theory]
    [InlineData("\"discount\":-1", "data.discount")]
    [InlineData("\"discount\":\"500\"", "data.discount")]
    [InlineData("\"cancelledBy\":\"doctor\"", "data.cancelledBy")]
    [InlineData("\"services\":[{\"code\":\"X\",\"price\":-5}]", "data.services[0].price")]
    public void A_wrong_audience_field_on_a_closing_is_named(string extra, string field)
    {
        var result = Read("""
            {"specversion":"1.0","id":"e-4","source":"mis","type":"appointment.completed",
             "data":{"appointmentId":"A-1","version":2,"clinic":{"clinicId":"msk-1"},
            """ + extra + "}}");

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(field), result.Describe());
    }

    [Fact]
    public void Patient_without_phone_or_email_is_refused()
    {
        var json = Booked.Replace("\"phone\":\"+7 916 123-45-67\",\"email\":\"anna@example.ru\",", "", StringComparison.Ordinal);

        var result = Read(json);

        Assert.Contains("data.patient.phone", result.Errors.Keys);
    }

    [Fact]
    public void Not_json_is_refused_with_a_reason()
    {
        var result = Read("{not json");

        Assert.False(result.IsValid);
        Assert.Contains("not valid JSON", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_change_needs_exactly_one_contact_and_known_channel_purpose_and_method()
    {
        const string valid = """
            {"specversion":"1.0","id":"c-1","source":"mis/x","type":"patient.consent_changed",
             "data":{"patientId":"P-77","clinicId":"msk-1","phone":"8 (916) 123-45-67","channel":"sms","purpose":"service",
                     "granted":true,"method":"paper_form","documentRef":"form-12","capturedAt":"2026-11-20T10:00:00+03:00","capturedBy":"registrar"}}
            """;
        var ok = Read(valid);
        Assert.True(ok.IsValid, ok.Describe());
        var consent = Assert.IsType<ConsentChangedData>(ok.Event!.Data);
        Assert.Equal("+79161234567", consent.Phone);

        Assert.Contains("data.phone", Read(valid.Replace("\"phone\":\"8 (916) 123-45-67\",", "\"phone\":\"8 (916) 123-45-67\",\"email\":\"a@b.ru\",", StringComparison.Ordinal)).Errors.Keys);
        Assert.Contains("data.channel", Read(valid.Replace("\"sms\"", "\"fax\"", StringComparison.Ordinal)).Errors.Keys);
        Assert.Contains("data.purpose", Read(valid.Replace("\"service\"", "\"promo\"", StringComparison.Ordinal)).Errors.Keys);
        Assert.Contains("data.granted", Read(valid.Replace("true", "\"yes\"", StringComparison.Ordinal)).Errors.Keys);
        Assert.Contains("data.method", Read(valid.Replace("paper_form", "telepathy", StringComparison.Ordinal)).Errors.Keys);
    }

    [Fact]
    public void Closing_events_need_only_id_version_and_clinic()
    {
        var result = Read("""
            {"specversion":"1.0","id":"x-1","source":"mis/x","type":"appointment.completed",
             "data":{"appointmentId":"A-1","version":3,"clinic":{"clinicId":"msk-1"},"amountPaid":4500.50,
                     "services":[{"code":"DENT-HYG","name":"Гигиена"}]}}
            """);

        Assert.True(result.IsValid, result.Describe());
        var data = Assert.IsType<AppointmentClosedData>(result.Event!.Data);
        Assert.Equal(4500.50m, data.AmountPaid);
        Assert.Single(data.Services!);
    }

    [Fact]
    public void Batch_prefix_is_put_before_every_error_path()
    {
        using var document = System.Text.Json.JsonDocument.Parse(Booked.Replace("\"version\":1", "\"version\":-1", StringComparison.Ordinal));

        var result = MisEventReader.Read(document.RootElement, "[2].");

        Assert.Contains("[2].data.version", result.Errors.Keys);
    }

    [Fact]
    public void A_NUL_in_a_name_is_refused_naming_the_field_and_quoting_nothing()
    {
        var result = Read(Booked.Replace("\"lastName\":\"Иванова\"", "\"lastName\":\"Ива\\u0000нова\"", StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.Equal("data.patient.lastName", Assert.Single(result.Errors).Key);
        Assert.DoesNotContain("Ива", result.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain("916", result.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_or_bytes_that_are_not_UTF_8_are_refused()
    {
        Assert.Equal("data.doctor.name", Assert.Single(Read(Booked.Replace("Петров Павел Петрович", "Петров \\ud800", StringComparison.Ordinal)).Errors).Key);

        var bytes = Encoding.UTF8.GetBytes(Booked.Replace("Профессиональная гигиена", "~~", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)'~');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        Assert.Equal("data.service.name", Assert.Single(MisEventReader.Read(bytes).Errors).Key);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    public void A_blank_phone_and_no_email_is_no_contact(string phone)
    {
        var json = Booked.Replace("\"phone\":\"+7 916 123-45-67\",\"email\":\"anna@example.ru\",", $"\"phone\":{phone},", StringComparison.Ordinal);

        var result = Read(json);

        Assert.False(result.IsValid);
        Assert.Contains("a phone or an email is required", Assert.Single(result.Errors, e => e.Key == "data.patient.phone").Value[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_consent_for_a_blank_contact_is_refused_with_the_reason()
    {
        var result = Read("""
            {"specversion":"1.0","id":"c-1","source":"mis/x","type":"patient.consent_changed",
             "data":{"patientId":"P-1","clinicId":"msk-1","phone":"  ","channel":"sms","purpose":"service","granted":true,"method":"paper_form"}}
            """);

        Assert.False(result.IsValid);
        Assert.Contains("data.phone", result.Errors.Keys);
    }

    [Fact]
    public void The_waitlist_examples_are_read()
    {
        var added = Read(WaitlistAdded);
        var freed = Read(SlotFreed);

        Assert.True(added.IsValid, added.Describe());
        var entry = Assert.IsType<WaitlistAddedData>(added.Event!.Data);
        Assert.Equal(("W-31", "P-77", "+79161234567", "D-5", "Стоматолог-терапевт"), (entry.EntryId, entry.Patient.PatientId, entry.Patient.Phone, entry.DoctorId, entry.Specialty));
        Assert.Equal((new DateTimeOffset(2026, 11, 20, 21, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 20, 7, 55, 0, TimeSpan.Zero)), (entry.From.ToUniversalTime(), entry.AddedAt!.Value.ToUniversalTime()));
        Assert.True(freed.IsValid, freed.Describe());
        var slot = Assert.IsType<SlotFreedData>(freed.Event!.Data);
        Assert.Equal(("SL-D5-202611251030", "D-5", 30, new DateTimeOffset(2026, 11, 25, 7, 30, 0, TimeSpan.Zero)), (slot.SlotId, slot.Doctor.DoctorId, slot.DurationMinutes, slot.StartsAt.ToUniversalTime()));
    }

    [Theory]
    [InlineData("\"doctor\":{\"doctorId\":\"D-5\"},\"specialty\":\"Стоматолог-терапевт\",", "", "data.specialty")]
    [InlineData("\"to\":\"2026-12-05T00:00:00+03:00\"", "\"to\":\"2026-11-20T00:00:00+03:00\"", "data.period.to")]
    [InlineData("\"period\":{\"from\":\"2026-11-21T00:00:00+03:00\",\"to\":\"2026-12-05T00:00:00+03:00\"},", "", "data.period")]
    [InlineData("\"entryId\":\"W-31\",", "", "data.entryId")]
    [InlineData("\"phone\":\"+7 916 123-45-67\"", "\"phone\":\"12\"", "data.patient.phone")]
    [InlineData("\"addedAt\":\"2026-11-20T10:55:00+03:00\"", "\"addedAt\":\"вчера\"", "data.addedAt")]
    public void Each_bad_field_of_a_waitlist_entry_is_named(string good, string bad, string field)
    {
        Assert.Contains(good, WaitlistAdded, StringComparison.Ordinal);
        var result = Read(WaitlistAdded.Replace(good, bad, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(field), result.Describe());
    }

    [Theory]
    [InlineData("\"doctorId\":\"D-5\",", "", "data.doctor.doctorId")]
    [InlineData("\"durationMinutes\":30", "\"durationMinutes\":0", "data.durationMinutes")]
    [InlineData("\"startsAt\":\"2026-11-25T10:30:00+03:00\"", "\"startsAt\":\"2026-11-25T10:30:00\"", "data.startsAt")]
    [InlineData("\"timeZone\":\"Europe/Moscow\"", "\"name\":\"без зоны\"", "data.clinic.timeZone")]
    public void Each_bad_field_of_a_freed_slot_is_named(string good, string bad, string field)
    {
        Assert.Contains(good, SlotFreed, StringComparison.Ordinal);
        var result = Read(SlotFreed.Replace(good, bad, StringComparison.Ordinal));

        Assert.False(result.IsValid);
        Assert.True(result.Errors.ContainsKey(field), result.Describe());
    }

    [Fact]
    public void A_cancellation_may_say_its_slot_is_not_to_be_offered()
    {
        var cancelled = Read("""
            {"specversion":"1.0","id":"evt-000152","source":"mis/clinic-msk-1","type":"appointment.cancelled",
             "data":{"appointmentId":"A-1001","version":3,"clinic":{"clinicId":"msk-1"},"offerSlot":false}}
            """);
        var plain = Read("""
            {"specversion":"1.0","id":"evt-000153","source":"mis/clinic-msk-1","type":"appointment.cancelled",
             "data":{"appointmentId":"A-1001","version":3,"clinic":{"clinicId":"msk-1"}}}
            """);
        var wrong = Read("""
            {"specversion":"1.0","id":"evt-000154","source":"mis/clinic-msk-1","type":"appointment.cancelled",
             "data":{"appointmentId":"A-1001","version":3,"clinic":{"clinicId":"msk-1"},"offerSlot":"нет"}}
            """);

        Assert.False(Assert.IsType<AppointmentClosedData>(cancelled.Event!.Data).OfferSlot);
        Assert.True(Assert.IsType<AppointmentClosedData>(plain.Event!.Data).OfferSlot);
        Assert.True(wrong.Errors.ContainsKey("data.offerSlot"), wrong.Describe());
    }
}
