using System.Globalization;
using Comms.Consent.Persistence;

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
    public static readonly IReadOnlyList<string> PatientOptOutMethods = ["reply", "email_link", "carrier_stop_list", "messenger_blocked"];

    /// <summary>Methods that show the patient's own act: enough to lift their opt-out when the evidence is new.
    /// "messenger_link": the patient opened their personal link to the clinic's bot and wrote to it.</summary>
    public static readonly IReadOnlyList<string> PatientActMethods = ["paper_form", "web_form", "verbal_recorded", "reply", "email_link", "messenger_link"];

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
    public static string? IneffectiveReason(ConsentRecord grant, IReadOnlyCollection<ConsentRecord> contactRecords)
    {
        var optOut = contactRecords
            .Where(r => r.Channel == grant.Channel && r.Purpose == grant.Purpose && IsPatientOptOut(r) && r.CapturedAt <= grant.CapturedAt)
            .OrderByDescending(r => r.CapturedAt).ThenByDescending(r => r.Id)
            .FirstOrDefault();
        if (optOut is null)
        {
            return null;
        }

        var missing = new List<string>();
        if (grant.CapturedAt <= optOut.CapturedAt)
        {
            missing.Add("it must be captured after the opt-out");
        }

        if (!PatientActMethods.Contains(grant.Method))
        {
            missing.Add($"its method must show the patient's own act ({string.Join(", ", PatientActMethods)}), not {grant.Method}");
        }

        var documentRef = Normalize(grant.DocumentRef);
        if (documentRef is null)
        {
            missing.Add("it must carry a document reference (the new signed form or the wording the patient accepted)");
        }
        else if (contactRecords.Any(r => r.CapturedAt <= optOut.CapturedAt && r != grant &&
                                         string.Equals(Normalize(r.DocumentRef), documentRef, StringComparison.OrdinalIgnoreCase)))
        {
            missing.Add($"its document reference must be new; \"{grant.DocumentRef!.Trim()}\" was already on file before the opt-out");
        }

        return missing.Count == 0
            ? null
            : $"the patient opted out ({optOut.Method}, {optOut.CapturedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, record {optOut.Id}); " +
              $"a grant after that needs new evidence: {string.Join("; ", missing)}";
    }

    private static string? Normalize(string? documentRef) =>
        string.IsNullOrWhiteSpace(documentRef) ? null : documentRef.Trim();
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
