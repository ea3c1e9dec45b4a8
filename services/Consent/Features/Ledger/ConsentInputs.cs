using System.Text.Json;
using System.Text.Json.Nodes;
using Comms.Consent.Persistence;
using Comms.Contracts;
using Comms.Contracts.Mis;
using Comms.Mis;

namespace Comms.Consent.Features.Ledger;

/// <summary>One consent decision from the HTTP API or an import row, validated and normalized.</summary>
public sealed record ConsentInput(
    string ClinicId,
    string? PatientId,
    string Contact,
    string ContactKind,
    string Channel,
    string Purpose,
    bool Granted,
    string Method,
    string? DocumentRef,
    string? WordingVersion,
    DateTimeOffset? CapturedAt,
    string? CapturedBy)
{
    /// <summary>The ledger record of this decision, from <paramref name="source"/>, captured when the input says or else at <paramref name="recordedAt"/>.</summary>
    public ConsentRecord ToRecord(string clinicId, string source, string? sourceEventKey, string? recordedBy, DateTimeOffset recordedAt) => new()
    {
        ClinicId = clinicId,
        PatientId = PatientId,
        Contact = Contact,
        ContactKind = ContactKind,
        Channel = Channel,
        Purpose = Purpose,
        Granted = Granted,
        Method = Method,
        Source = source,
        SourceEventKey = sourceEventKey,
        DocumentRef = DocumentRef,
        WordingVersion = WordingVersion,
        CapturedAt = (CapturedAt ?? recordedAt).ToUniversalTime(),
        CapturedBy = CapturedBy,
        RecordedBy = recordedBy,
        RecordedAt = recordedAt,
    };
}

/// <summary>The input, or every problem found keyed by field name (clinicId, phone, channel, …).</summary>
public sealed record ConsentInputResult(ConsentInput? Input, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Input is not null;
}

/// <summary>
/// One set of rules for every way a consent enters the ledger. The HTTP API and imports hand their fields, named as
/// in <c>patient.consent_changed</c> data, to <see cref="MisEventReader"/> itself (channel, purpose and method
/// vocabularies, phone and email normalization, RFC 3339 times, exactly one contact), then apply the same
/// contact-for-channel check as MIS events.
/// </summary>
public static class ConsentInputs
{
    public const int MaxWordingVersionLength = 200;

    // patientId is required of the MIS but optional here: a stand-in satisfies the reader and is dropped afterwards.
    private const string NoPatient = "(none)";

    public static ConsentInputResult Read(JsonObject data)
    {
        var fields = (JsonObject)data.DeepClone();
        var withoutPatient = !fields.TryGetPropertyValue("patientId", out var patient) || patient is null;
        if (withoutPatient)
        {
            fields["patientId"] = NoPatient;
        }

        var wordingVersion = ReadWordingVersion(fields, out var wordingError);
        fields.Remove("wordingVersion");

        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "consent-input",
            ["source"] = "comms/consent",
            ["type"] = MisEventTypes.PatientConsentChanged,
            ["data"] = fields,
        };
        var result = MisEventReader.Read(JsonSerializer.SerializeToElement(envelope));

        var errors = result.Errors.ToDictionary(e => FieldOf(e.Key), e => e.Value);
        if (wordingError is not null)
        {
            errors["wordingVersion"] = [wordingError];
        }

        if (result.Event?.Data is ConsentChangedData consent)
        {
            var (contact, kind) = ContactOf(consent);
            if (ContactMismatch(kind, consent.Channel) is { } mismatch)
            {
                errors[mismatch.Field] = [mismatch.Message];
            }

            if (errors.Count == 0)
            {
                return new ConsentInputResult(
                    new ConsentInput(
                        consent.ClinicId, withoutPatient ? null : consent.PatientId, contact, kind, consent.Channel, consent.Purpose,
                        consent.Granted, consent.Method, consent.DocumentRef, wordingVersion, consent.CapturedAt, consent.CapturedBy),
                    errors);
            }
        }

        return new ConsentInputResult(null, errors);
    }

    /// <summary>MisEventReader has already normalized the one contact the data carries.</summary>
    public static (string Contact, string Kind) ContactOf(ConsentChangedData data) =>
        data.Phone is { } phone ? (phone, ContactKinds.Phone)
        : data.Email is { } email ? (email, ContactKinds.Email)
        : (data.MessengerId!, ContactKinds.Messenger);

    /// <summary>A consent for a channel is for a contact that channel can reach; the field to fix and why, or null.</summary>
    public static (string Field, string Message)? ContactMismatch(string kind, string channel) => (channel, kind) switch
    {
        (Channels.Sms, not ContactKinds.Phone) => ("phone", "a consent for sms is for a phone number; give phone"),
        (Channels.Email, not ContactKinds.Email) => ("email", "a consent for email is for an email address; give email"),
        (Channels.WhatsApp or Channels.Max, ContactKinds.Email) =>
            ("phone", $"a consent for {channel} is for a phone number or a messenger id; give phone or messengerId"),
        _ => null,
    };

    private static string? ReadWordingVersion(JsonObject fields, out string? error)
    {
        error = null;
        if (!fields.TryGetPropertyValue("wordingVersion", out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = "must be a string";
            return null;
        }

        var text = node.GetValue<string>().Trim();
        if (text.Length > MaxWordingVersionLength)
        {
            error = $"must be at most {MaxWordingVersionLength} characters";
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private static string FieldOf(string path) =>
        path.StartsWith("data.", StringComparison.Ordinal) ? path["data.".Length..] : "$";
}
