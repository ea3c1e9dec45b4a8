using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comms.Contracts;
using Comms.Contracts.Mis;
using Comms.ServiceDefaults.Contacts;
using Comms.ServiceDefaults.Http;

namespace Comms.Mis;

/// <summary>The outcome of reading one MIS CloudEvent: the event, or every problem found, keyed by JSON path.</summary>
public sealed record MisEventReadResult(MisEvent? Event, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Event is not null;

    /// <summary>One line naming every bad field, for dead-letter reasons and logs.</summary>
    public string Describe() => string.Join("; ", Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}

/// <summary>
/// Reads and validates MIS CloudEvents (docs/mis-integration.md) strictly, so a bad event is refused with the field
/// and the reason instead of half-applied. HTTP answers 400 with these errors; AMQP dead-letters with them.
/// </summary>
public static partial class MisEventReader
{
    public static MisEventReadResult Read(ReadOnlySpan<byte> utf8Json)
    {
        // Over HTTP the request guard has checked this already; over AMQP this is the door.
        var unstorable = StoredText.FindInJson(utf8Json);
        if (unstorable.Count > 0)
        {
            return new MisEventReadResult(null, unstorable);
        }

        try
        {
            using var document = JsonDocument.Parse(utf8Json.ToArray());
            return Read(document.RootElement);
        }
        catch (JsonException ex)
        {
            return Fail("$", $"is not valid JSON: {ex.Message}");
        }
    }

    public static MisEventReadResult Read(JsonElement root, string pathPrefix = "")
    {
        var v = new Validator(pathPrefix);
        if (root.ValueKind != JsonValueKind.Object)
        {
            v.Error("", "must be a JSON object (a CloudEvent in structured mode)");
            return v.Result(null);
        }

        var specVersion = v.String(root, "", "specversion", required: true, maxLength: 10);
        if (specVersion is not null && specVersion != "1.0")
        {
            v.Error("specversion", "must be \"1.0\"");
        }

        var id = v.String(root, "", "id", required: true, maxLength: 200);
        var source = v.String(root, "", "source", required: true, maxLength: 500);
        var type = v.String(root, "", "type", required: true, maxLength: 100);
        if (type is not null && !MisEventTypes.All.Contains(type))
        {
            v.Error("type", $"'{type}' is not a known event type; expected one of {string.Join(", ", MisEventTypes.All)}");
        }

        var time = v.DateTime(root, "", "time", required: false);
        var contentType = v.String(root, "", "datacontenttype", required: false, maxLength: 100);
        if (contentType is not null && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            v.Error("datacontenttype", "must be \"application/json\" when present");
        }

        var data = v.Object(root, "", "data", required: true);
        object? payload = null;
        if (data is { } d && type is not null)
        {
            payload = type switch
            {
                MisEventTypes.AppointmentBooked or MisEventTypes.AppointmentRescheduled => ReadAppointment(v, d),
                MisEventTypes.AppointmentCancelled or MisEventTypes.AppointmentCompleted or MisEventTypes.AppointmentNoShow => ReadClosed(v, d),
                MisEventTypes.PatientUpdated => ReadPatientUpdated(v, d),
                MisEventTypes.PatientConsentChanged => ReadConsent(v, d),
                MisEventTypes.WaitlistAdded => ReadWaitlistAdded(v, d),
                MisEventTypes.WaitlistRemoved => ReadWaitlistRemoved(v, d),
                MisEventTypes.SlotFreed => ReadSlotFreed(v, d),
                _ => null,
            };
        }

        return v.Result(v.HasErrors || payload is null ? null : new MisEvent(id!, source!, type!, time, payload));
    }

    private static AppointmentData? ReadAppointment(Validator v, JsonElement data)
    {
        const string p = "data";
        var appointmentId = v.String(data, p, "appointmentId", required: true);
        var version = v.Integer(data, p, "version", required: true, min: 0);
        var startsAt = v.DateTime(data, p, "startsAt", required: true);
        var duration = (int?)v.Integer(data, p, "durationMinutes", required: false, min: 1, max: 24 * 60);
        var clinic = ReadClinic(v, data, requireTimeZone: true);
        var patient = ReadPatient(v, data);
        MisDoctor? doctor = null;
        if (v.Object(data, p, "doctor", required: false) is { } d)
        {
            doctor = new MisDoctor(
                v.String(d, $"{p}.doctor", "doctorId", required: false),
                v.String(d, $"{p}.doctor", "name", required: false),
                v.String(d, $"{p}.doctor", "specialty", required: false));
        }

        MisService? service = null;
        if (v.Object(data, p, "service", required: false) is { } s)
        {
            service = new MisService(v.String(s, $"{p}.service", "code", required: false), v.String(s, $"{p}.service", "name", required: false));
        }

        var courseId = v.String(data, p, "courseId", required: false);

        return appointmentId is null || version is null || startsAt is null || clinic is null || patient is null
            ? null
            : new AppointmentData(appointmentId, version.Value, startsAt.Value, duration, clinic, patient, doctor, service, courseId);
    }

    private static AppointmentClosedData? ReadClosed(Validator v, JsonElement data)
    {
        const string p = "data";
        var appointmentId = v.String(data, p, "appointmentId", required: true);
        var version = v.Integer(data, p, "version", required: true, min: 0);
        var clinic = ReadClinic(v, data, requireTimeZone: false);
        var reason = v.String(data, p, "reason", required: false, maxLength: 1000);
        var amountPaid = v.Money(data, p, "amountPaid");
        var discount = v.Money(data, p, "discount");
        var cancelledBy = v.Enum(data, p, "cancelledBy", CancelledBy.All, required: false);
        var offerSlot = v.Boolean(data, p, "offerSlot", required: false);

        List<MisService>? services = null;
        if (data.TryGetProperty("services", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                v.Error("data.services", "must be an array of {code, name}");
            }
            else
            {
                services = [];
                var i = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var path = $"data.services[{i++}]";
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        v.Error(path, "must be an object {code, name}");
                        continue;
                    }

                    services.Add(new MisService(v.String(item, path, "code", required: false), v.String(item, path, "name", required: false), v.Money(item, path, "price")));
                }
            }
        }

        return appointmentId is null || version is null || clinic is null
            ? null
            : new AppointmentClosedData(appointmentId, version.Value, clinic, reason, amountPaid, services, discount, cancelledBy, offerSlot ?? true);
    }

    private static PatientUpdatedData? ReadPatientUpdated(Validator v, JsonElement data)
    {
        const string p = "data";
        var patientId = v.String(data, p, "patientId", required: true);
        var clinicId = v.String(data, p, "clinicId", required: true);
        var phone = v.Phone(data, p, "phone", required: false);
        var email = v.Email(data, p, "email", required: false);
        var patient = new PatientUpdatedData(
            patientId ?? "", clinicId ?? "",
            v.String(data, p, "lastName", required: false),
            v.String(data, p, "firstName", required: false),
            v.String(data, p, "middleName", required: false),
            phone, email,
            v.Date(data, p, "birthDate"),
            v.TimeZone(data, p, "timeZone", required: false),
            ReadProfile(v, data, p));
        return patientId is null || clinicId is null ? null : patient;
    }

    private static ConsentChangedData? ReadConsent(Validator v, JsonElement data)
    {
        const string p = "data";
        var patientId = v.String(data, p, "patientId", required: true);
        var clinicId = v.String(data, p, "clinicId", required: true);
        var phone = v.Phone(data, p, "phone", required: false);
        var email = v.Email(data, p, "email", required: false);
        var messengerId = v.String(data, p, "messengerId", required: false);
        var contacts = new[] { phone, email, messengerId }.Count(c => c is not null);
        // Present means given: null, "" and blanks are not a contact.
        var present = new[] { "phone", "email", "messengerId" }.Count(name =>
            data.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null &&
            !(e.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(e.GetString())));
        if (present == 0)
        {
            v.Error("data.phone", "one of phone, email or messengerId is required: the contact the consent is for");
        }
        else if (present > 1)
        {
            v.Error("data.phone", "give exactly one of phone, email or messengerId: one consent record is for one contact");
        }

        var channel = v.Enum(data, p, "channel", Channels.All);
        var purpose = v.Enum(data, p, "purpose", Purposes.All);
        var granted = v.Boolean(data, p, "granted", required: true);
        var method = v.Enum(data, p, "method", ConsentMethods.All);
        var documentRef = v.String(data, p, "documentRef", required: false);
        var capturedAt = v.DateTime(data, p, "capturedAt", required: false);
        var capturedBy = v.String(data, p, "capturedBy", required: false);

        return patientId is null || clinicId is null || contacts != 1 || channel is null || purpose is null || granted is null || method is null
            ? null
            : new ConsentChangedData(patientId, clinicId, phone, email, messengerId, channel, purpose, granted.Value, method, documentRef, capturedAt, capturedBy);
    }

    private static WaitlistAddedData? ReadWaitlistAdded(Validator v, JsonElement data)
    {
        const string p = "data";
        var entryId = v.String(data, p, "entryId", required: true);
        var clinic = ReadClinic(v, data, requireTimeZone: false);
        var patient = ReadPatient(v, data);
        string? doctorId = null;
        if (v.Object(data, p, "doctor", required: false) is { } d)
        {
            doctorId = v.String(d, $"{p}.doctor", "doctorId", required: true);
        }

        var specialty = v.String(data, p, "specialty", required: false);
        if (doctorId is null && specialty is null && !v.HasErrorAt($"{p}.doctor.doctorId"))
        {
            v.Error($"{p}.specialty", "a doctor (doctor.doctorId) or a specialty is required: what the patient waits for");
        }

        DateTimeOffset? from = null, to = null;
        if (v.Object(data, p, "period", required: true) is { } period)
        {
            from = v.DateTime(period, $"{p}.period", "from", required: true);
            to = v.DateTime(period, $"{p}.period", "to", required: true);
            if (from is { } f && to is { } t && t <= f)
            {
                v.Error($"{p}.period.to", "must be later than period.from");
                to = null;
            }
        }

        var addedAt = v.DateTime(data, p, "addedAt", required: false);
        return entryId is null || clinic is null || patient is null || (doctorId is null && specialty is null) || from is null || to is null
            ? null
            : new WaitlistAddedData(entryId, clinic, patient, doctorId, specialty, from.Value, to.Value, addedAt);
    }

    private static WaitlistRemovedData? ReadWaitlistRemoved(Validator v, JsonElement data)
    {
        const string p = "data";
        var entryId = v.String(data, p, "entryId", required: true);
        var clinic = ReadClinic(v, data, requireTimeZone: false);
        var reason = v.String(data, p, "reason", required: false, maxLength: 1000);
        return entryId is null || clinic is null ? null : new WaitlistRemovedData(entryId, clinic, reason);
    }

    private static SlotFreedData? ReadSlotFreed(Validator v, JsonElement data)
    {
        const string p = "data";
        var slotId = v.String(data, p, "slotId", required: false);
        var clinic = ReadClinic(v, data, requireTimeZone: true);
        MisDoctor? doctor = null;
        if (v.Object(data, p, "doctor", required: true) is { } d)
        {
            var doctorId = v.String(d, $"{p}.doctor", "doctorId", required: true);
            doctor = doctorId is null
                ? null
                : new MisDoctor(doctorId, v.String(d, $"{p}.doctor", "name", required: false), v.String(d, $"{p}.doctor", "specialty", required: false));
        }

        var startsAt = v.DateTime(data, p, "startsAt", required: true);
        var duration = (int?)v.Integer(data, p, "durationMinutes", required: true, min: 1, max: 24 * 60);
        MisService? service = null;
        if (v.Object(data, p, "service", required: false) is { } s)
        {
            service = new MisService(v.String(s, $"{p}.service", "code", required: false), v.String(s, $"{p}.service", "name", required: false));
        }

        return clinic is null || doctor is null || startsAt is null || duration is null
            ? null
            : new SlotFreedData(slotId, clinic, doctor, startsAt.Value, duration.Value, service);
    }

    private static MisClinic? ReadClinic(Validator v, JsonElement data, bool requireTimeZone)
    {
        if (v.Object(data, "data", "clinic", required: true) is not { } clinic)
        {
            return null;
        }

        const string p = "data.clinic";
        var clinicId = v.String(clinic, p, "clinicId", required: true);
        var timeZone = v.TimeZone(clinic, p, "timeZone", requireTimeZone);
        return clinicId is null || (requireTimeZone && timeZone is null)
            ? null
            : new MisClinic(clinicId, v.String(clinic, p, "name", required: false), v.String(clinic, p, "address", required: false, maxLength: 1000), timeZone);
    }

    private static MisPatient? ReadPatient(Validator v, JsonElement data)
    {
        if (v.Object(data, "data", "patient", required: true) is not { } patient)
        {
            return null;
        }

        const string p = "data.patient";
        var patientId = v.String(patient, p, "patientId", required: true);
        var phone = v.Phone(patient, p, "phone", required: false);
        var email = v.Email(patient, p, "email", required: false);
        // An empty or blank phone is no phone ("phone": "" used to pass as a contact nobody could reach).
        if (phone is null && email is null && !v.HasErrorAt($"{p}.phone") && !v.HasErrorAt($"{p}.email"))
        {
            v.Error($"{p}.phone", "a phone or an email is required: there is no other way to reach the patient");
        }

        var result = new MisPatient(
            patientId ?? "",
            v.String(patient, p, "lastName", required: false),
            v.String(patient, p, "firstName", required: false),
            v.String(patient, p, "middleName", required: false),
            phone, email,
            v.Date(patient, p, "birthDate"),
            v.TimeZone(patient, p, "timeZone", required: false),
            ReadProfile(v, patient, p));
        return patientId is null ? null : result;
    }

    private static MisPatientProfile? ReadProfile(Validator v, JsonElement patient, string p)
    {
        var profile = new MisPatientProfile(
            v.Enum(patient, p, "sex", PatientSexes.All, required: false),
            v.String(patient, p, "city", required: false),
            v.String(patient, p, "district", required: false),
            v.String(patient, p, "acquisitionSource", required: false, maxLength: 100),
            v.String(patient, p, "referredBy", required: false));
        return profile.IsEmpty ? null : profile;
    }

    private static MisEventReadResult Fail(string path, string message) =>
        new(null, new Dictionary<string, string[]> { [path] = [message] });

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    private sealed class Validator(string prefix)
    {
        private readonly Dictionary<string, List<string>> _errors = [];

        public bool HasErrors => _errors.Count > 0;

        public bool HasErrorAt(string path) => _errors.ContainsKey(prefix + path);

        public void Error(string path, string message)
        {
            var key = prefix + (path.Length == 0 ? "$" : path);
            if (!_errors.TryGetValue(key, out var list))
            {
                _errors[key] = list = [];
            }

            list.Add(message);
        }

        public MisEventReadResult Result(MisEvent? e) =>
            new(e, _errors.ToDictionary(x => x.Key, x => x.Value.ToArray()));

        private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

        private bool TryGet(JsonElement obj, string parent, string name, bool required, out JsonElement value)
        {
            if (obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            if (required)
            {
                Error(Join(parent, name), "is required");
            }

            return false;
        }

        public string? String(JsonElement obj, string parent, string name, bool required, int maxLength = 200)
        {
            if (!TryGet(obj, parent, name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Error(Join(parent, name), "must be a string");
                return null;
            }

            var text = value.GetString()!.Trim();
            if (text.Length == 0)
            {
                if (required)
                {
                    Error(Join(parent, name), "must not be empty");
                }

                return null;
            }

            if (text.Length > maxLength)
            {
                Error(Join(parent, name), $"must be at most {maxLength} characters");
                return null;
            }

            return text;
        }

        public long? Integer(JsonElement obj, string parent, string name, bool required, long min = long.MinValue, long max = long.MaxValue)
        {
            if (!TryGet(obj, parent, name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            {
                Error(Join(parent, name), "must be an integer");
                return null;
            }

            if (number < min || number > max)
            {
                Error(Join(parent, name), max == long.MaxValue ? $"must be at least {min}" : $"must be between {min} and {max}");
                return null;
            }

            return number;
        }

        public bool? Boolean(JsonElement obj, string parent, string name, bool required)
        {
            if (!TryGet(obj, parent, name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error(Join(parent, name), "must be true or false");
                return null;
            }

            return value.GetBoolean();
        }

        public DateTimeOffset? DateTime(JsonElement obj, string parent, string name, bool required)
        {
            var text = String(obj, parent, name, required, maxLength: 40);
            if (text is null)
            {
                return null;
            }

            if (!Rfc3339().IsMatch(text) ||
                !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            {
                Error(Join(parent, name), "must be an RFC 3339 date-time with offset, e.g. 2026-11-25T10:30:00+03:00");
                return null;
            }

            return instant;
        }

        public DateOnly? Date(JsonElement obj, string parent, string name)
        {
            var text = String(obj, parent, name, required: false, maxLength: 10);
            if (text is null)
            {
                return null;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Error(Join(parent, name), "must be a date YYYY-MM-DD");
                return null;
            }

            return date;
        }

        public JsonElement? Object(JsonElement obj, string parent, string name, bool required)
        {
            if (!TryGet(obj, parent, name, required, out var value))
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Error(Join(parent, name), "must be an object");
                return null;
            }

            return value;
        }

        /// <summary>An optional amount of money: a non-negative number when present.</summary>
        public decimal? Money(JsonElement obj, string parent, string name)
        {
            if (!obj.TryGetProperty(name, out var amount) || amount.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (amount.ValueKind != JsonValueKind.Number || !amount.TryGetDecimal(out var value) || value < 0 || value > 1_000_000_000m)
            {
                Error(Join(parent, name), "must be a non-negative number (at most 1 000 000 000)");
                return null;
            }

            return value;
        }

        public string? Enum(JsonElement obj, string parent, string name, IReadOnlyList<string> allowed, bool required = true)
        {
            var text = String(obj, parent, name, required, maxLength: 50);
            if (text is not null && !allowed.Contains(text))
            {
                Error(Join(parent, name), $"must be one of {string.Join(", ", allowed)}");
                return null;
            }

            return text;
        }

        public string? TimeZone(JsonElement obj, string parent, string name, bool required)
        {
            var text = String(obj, parent, name, required, maxLength: 64);
            if (text is null)
            {
                return null;
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(text, out var zone) || !zone.HasIanaId)
            {
                Error(Join(parent, name), "must be an IANA time zone such as Europe/Moscow");
                return null;
            }

            return text;
        }

        public string? Phone(JsonElement obj, string parent, string name, bool required)
        {
            var text = String(obj, parent, name, required, maxLength: 40);
            if (text is null)
            {
                return null;
            }

            if (!ContactNormalizer.TryNormalizePhone(text, out var e164))
            {
                Error(Join(parent, name), "is not a valid phone number");
                return null;
            }

            return e164;
        }

        public string? Email(JsonElement obj, string parent, string name, bool required)
        {
            var text = String(obj, parent, name, required, maxLength: 254);
            if (text is null)
            {
                return null;
            }

            if (!ContactNormalizer.TryNormalizeEmail(text, out var email))
            {
                Error(Join(parent, name), "is not a valid email address");
                return null;
            }

            return email;
        }
    }
}
