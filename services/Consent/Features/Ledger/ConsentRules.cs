using Comms.Contracts.Mis;
using System.Globalization;
using Comms.Consent.Persistence;
using Comms.Contracts;

namespace Comms.Consent.Features.Ledger;

/// <summary>
/// The re-grant rule (docs/consent.md): nobody but the patient can undo the patient's own opt-out, and only with new
/// evidence. A grant captured at or after the latest such opt-out of its (contact, channel, purpose) is effective only
/// when it is captured strictly later, its method shows the patient's own act, and it carries a document reference
/// that was not already on file for this contact at the time of the opt-out.
/// </summary>
public static class ConsentRules
{
    /// <summary>Revocations the patient made personally: a reply, an unsubscribe link, a carrier stop-list, blocking the
    /// clinic's bot in a messenger.</summary>
    public static readonly IReadOnlyList<string> PatientOptOutMethods = ConsentMethods.PatientOptOuts;

    /// <summary>Methods that show the patient's own act: enough to lift their opt-out when the evidence is new.
    /// "messenger_link": the patient opened their personal link to the clinic's bot and wrote to it.</summary>
    public static readonly IReadOnlyList<string> PatientActMethods = ConsentMethods.PatientActs;

    public static bool IsPatientOptOut(ConsentRecord record) => !record.Granted && PatientOptOutMethods.Contains(record.Method);

    /// <summary>
    /// Sets <see cref="ConsentRecord.Effective"/> and <see cref="ConsentRecord.IneffectiveReason"/> on every record of
    /// one contact from all of that contact's records. Re-running it after a late record can only turn a grant
    /// ineffective, never the reverse: a new record adds opt-outs and used documents, it never removes them.
    /// </summary>
    /// <returns>The records whose assessment changed.</returns>
    public static IReadOnlyList<ConsentRecord> Assess(IReadOnlyCollection<ConsentRecord> contactRecords)
    {
        var changed = new List<ConsentRecord>();
        foreach (var record in contactRecords)
        {
            var reason = record.Granted ? IneffectiveReason(record, contactRecords) : null;
            var effective = reason is null;
            if (record.Effective != effective || record.IneffectiveReason != reason)
            {
                record.Effective = effective;
                record.IneffectiveReason = reason;
                changed.Add(record);
            }
        }

        return changed;
    }

    /// <summary>Why <paramref name="grant"/> may not override the patient's opt-out, or null when it may (or none applies).</summary>
    public static string? IneffectiveReason(ConsentRecord grant, IReadOnlyCollection<ConsentRecord> contactRecords) =>
        Refusal(grant, contactRecords)?.Reason;

    /// <summary>The opt-out <paramref name="grant"/> may not override and what it lacks, or null when it may (or none applies).</summary>
    public static RegrantRefusal? Refusal(ConsentRecord grant, IReadOnlyCollection<ConsentRecord> contactRecords)
    {
        if (!grant.Granted)
        {
            return null;
        }

        var optOut = OptOutBefore(grant, contactRecords);
        if (optOut is null)
        {
            return null;
        }

        var missing = new List<string>();
        if (grant.CapturedAt <= optOut.CapturedAt)
        {
            missing.Add(RegrantRequirements.AfterOptOut);
        }

        if (!PatientActMethods.Contains(grant.Method))
        {
            missing.Add(RegrantRequirements.PatientAct);
        }

        var documentRef = Normalize(grant.DocumentRef);
        if (documentRef is null)
        {
            missing.Add(RegrantRequirements.Document);
        }
        else if (contactRecords.Any(r => r.CapturedAt <= optOut.CapturedAt && r != grant &&
                                         string.Equals(Normalize(r.DocumentRef), documentRef, StringComparison.OrdinalIgnoreCase)))
        {
            missing.Add(RegrantRequirements.NewDocument);
        }

        return missing.Count == 0 ? null : new RegrantRefusal(grant, optOut, missing);
    }

    /// <summary>
    /// The patient's own opt-out <paramref name="grant"/> is assessed against: the latest of its (contact, channel,
    /// purpose) captured at or before it, or null when none is. For an effective grant, the opt-out it was accepted over.
    /// </summary>
    public static ConsentRecord? OptOutBefore(ConsentRecord grant, IReadOnlyCollection<ConsentRecord> contactRecords) =>
        contactRecords
            .Where(r => r.Contact == grant.Contact && r.Channel == grant.Channel && r.Purpose == grant.Purpose && IsPatientOptOut(r) &&
                        r.CapturedAt <= grant.CapturedAt)
            .OrderByDescending(r => r.CapturedAt).ThenByDescending(r => r.Id)
            .FirstOrDefault();

    private static string? Normalize(string? documentRef) =>
        string.IsNullOrWhiteSpace(documentRef) ? null : documentRef.Trim();
}

/// <summary>What a grant after the patient's own opt-out lacks, one code each (<see cref="RegrantRefusal.Missing"/>), and
/// how the ledger (English) and the evidence document (Russian) word each.</summary>
public static class RegrantRequirements
{
    /// <summary>It must be captured strictly after the opt-out.</summary>
    public const string AfterOptOut = "captured-after-opt-out";

    /// <summary>Its method must show the patient's own act (<see cref="ConsentRules.PatientActMethods"/>).</summary>
    public const string PatientAct = "patient-act-method";

    /// <summary>It must carry a document reference.</summary>
    public const string Document = "document-reference";

    /// <summary>Its document reference must not have been on file before the opt-out.</summary>
    public const string NewDocument = "new-document-reference";

    public static string English(string code, string grantMethod, string? documentRef) => code switch
    {
        AfterOptOut => "it must be captured after the opt-out",
        PatientAct => $"its method must show the patient's own act ({string.Join(", ", ConsentRules.PatientActMethods)}), not {grantMethod}",
        Document => "it must carry a document reference (the new signed form or the wording the patient accepted)",
        NewDocument => $"its document reference must be new; \"{documentRef?.Trim()}\" was already on file before the opt-out",
        _ => code,
    };

    public static string Russian(string code, string grantMethod, string? documentRef) => code switch
    {
        AfterOptOut => "оно должно быть получено позже отказа",
        PatientAct =>
            $"способ должен подтверждать действие самого пациента ({string.Join(", ", ConsentRules.PatientActMethods.Select(Method))}), " +
            $"а здесь — {Method(grantMethod)}",
        Document => "нужна ссылка на документ (новый подписанный бланк или принятая пациентом редакция текста)",
        NewDocument => $"ссылка на документ должна быть новой, а «{documentRef?.Trim()}» уже была в деле до отказа",
        _ => code,
    };

    private static string Method(string code) => RussianWording.ConsentMethod(code) ?? code;
}

/// <summary>A grant the re-grant rule refused: the patient's opt-out it may not override and what it lacks.</summary>
public sealed record RegrantRefusal(ConsentRecord Grant, ConsentRecord OptOut, IReadOnlyList<string> Missing)
{
    /// <summary>The ledger's English text (<see cref="ConsentRecord.IneffectiveReason"/>, the API, the MIS event).</summary>
    public string Reason =>
        $"the patient opted out ({OptOut.Method}, {OptOut.CapturedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, record {OptOut.Id}); " +
        $"a grant after that needs new evidence: {string.Join("; ", Missing.Select(m => RegrantRequirements.English(m, Grant.Method, Grant.DocumentRef)))}";
}

/// <summary>The state of one (contact, channel, purpose): its deciding record and the ledger's highest sequence for it.</summary>
public sealed record ConsentState(ConsentRecord Record, long Sequence)
{
    /// <summary>
    /// Per (contact, channel, purpose), the effective record captured last decides (ties: the later recorded). A
    /// consent captured earlier but reported late is history, not the current state; a grant the re-grant rule
    /// refuses never decides. The sequence is the newest record's id, ineffective ones included, so a projection
    /// keeping the highest sequence ends with this state whatever order it saw the events in.
    /// </summary>
    public static IEnumerable<ConsentState> Current(IEnumerable<ConsentRecord> records) =>
        records
            .GroupBy(r => (r.Contact, r.Channel, r.Purpose))
            .Where(g => g.Any(r => r.Effective))
            .Select(g => new ConsentState(
                g.Where(r => r.Effective).OrderByDescending(r => r.CapturedAt).ThenByDescending(r => r.Id).First(),
                g.Max(r => r.Id)));
}
