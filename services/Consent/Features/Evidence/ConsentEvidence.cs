using Comms.Consent.Features.Ledger;
using Comms.Consent.Persistence;
using Comms.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Evidence;

/// <summary>
/// What a court asks of one contact: every consent record (when, how, which document and wording, who recorded it,
/// from where, effective or not) and every message sent to it, with the consent in force when it went out.
/// </summary>
public sealed record ConsentEvidence(
    string Contact,
    DateTimeOffset GeneratedAt,
    string GeneratedBy,
    IReadOnlyList<CurrentConsent> Current,
    IReadOnlyList<ConsentHistoryEntry> Records,
    IReadOnlyList<EvidencePatient> Patients,
    IReadOnlyList<EvidenceMessage> Messages,
    IReadOnlyList<RefusedGrant> RefusedGrants)
{
    /// <summary>
    /// Messages are found by the contact they went to, or — for status events that do not name the contact — by the
    /// (clinic, patient) pairs of this contact's consent records, on the channels those records are for.
    /// </summary>
    public static async Task<ConsentEvidence> BuildAsync(
        ConsentDbContext db, string contact, string generatedBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.Contact == contact)
            .OrderBy(r => r.Id)
            .ToListAsync(cancellationToken);

        var patients = records
            .Where(r => r.ClinicId is not null && r.PatientId is not null)
            .Select(r => new EvidencePatient(r.ClinicId!, r.PatientId!))
            .Distinct()
            .OrderBy(p => p.ClinicId, StringComparer.Ordinal).ThenBy(p => p.PatientId, StringComparer.Ordinal)
            .ToList();
        var channels = records.Select(r => r.Channel).ToHashSet();
        var patientIds = patients.Select(p => p.PatientId).Distinct().ToList();
        var clinicIds = patients.Select(p => p.ClinicId).Distinct().ToList();

        var entries = await db.MessageLog.AsNoTracking()
            .Where(m => m.Contact == contact ||
                        (m.Contact == null && m.PatientId != null && patientIds.Contains(m.PatientId) && clinicIds.Contains(m.ClinicId)))
            .OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        var pairs = patients.ToHashSet();
        var messages = entries
            .Where(m => m.Contact == contact || (pairs.Contains(new EvidencePatient(m.ClinicId, m.PatientId!)) && channels.Contains(m.Channel)))
            .GroupBy(m => m.MessageId)
            .Select(g => EvidenceMessage.Of(g.ToList(), contact, records))
            .OrderBy(m => m.FirstAt)
            .ToList();

        var current = ConsentState.Current(records)
            .OrderBy(s => s.Record.Channel).ThenBy(s => s.Record.Purpose)
            .Select(CurrentConsent.Of)
            .ToList();
        var refused = records
            .Select(r => ConsentRules.Refusal(r, records))
            .OfType<RegrantRefusal>()
            .Select(RefusedGrant.Of)
            .ToList();
        return new ConsentEvidence(contact, now, generatedBy, current, [.. records.Select(ConsentHistoryEntry.Of)], patients, messages, refused);
    }
}

public sealed record EvidencePatient(string ClinicId, string PatientId);

/// <param name="MatchedBy">"contact" when the status event named this contact, "patient" when it was matched by (clinic, patient).</param>
/// <param name="SentAt">When it was handed to a provider (status sent), if it ever was.</param>
/// <param name="ConsentInForce">Per purpose, the consent the ledger held for this contact and channel at <see cref="SentAt"/>
/// (or the first status when never sent). The status event does not say the message's purpose, so both are shown.</param>
public sealed record EvidenceMessage(
    Guid MessageId,
    string Channel,
    string ClinicId,
    string? PatientId,
    string? AppointmentId,
    string MatchedBy,
    string LastStatus,
    DateTimeOffset FirstAt,
    DateTimeOffset? SentAt,
    IReadOnlyList<EvidenceMessageStatus> Statuses,
    IReadOnlyList<ConsentInForce> ConsentInForce)
{
    public static EvidenceMessage Of(IReadOnlyList<MessageLogEntry> statuses, string contact, IReadOnlyList<ConsentRecord> records)
    {
        var first = statuses[0];
        var last = statuses[^1];
        var sentAt = statuses.FirstOrDefault(s => s.Status is MessageStatuses.Accepted or MessageStatuses.Sent)?.OccurredAt;
        var moment = sentAt ?? first.OccurredAt;
        var known = records.Where(r => r.Channel == first.Channel && r.RecordedAt <= moment && r.CapturedAt <= moment).ToList();
        var inForce = Purposes.All
            .Select(purpose => ConsentState.Current(known.Where(r => r.Purpose == purpose)).SingleOrDefault() is { } state
                ? new ConsentInForce(purpose, state.Record.Granted, state.Record.Id)
                : new ConsentInForce(purpose, false, null))
            .ToList();
        return new EvidenceMessage(
            first.MessageId,
            first.Channel,
            first.ClinicId,
            first.PatientId,
            statuses.Select(s => s.AppointmentId).FirstOrDefault(a => a is not null),
            statuses.Any(s => s.Contact == contact) ? "contact" : "patient",
            last.Status,
            first.OccurredAt,
            sentAt,
            [.. statuses.Select(s => new EvidenceMessageStatus(s.Status, s.Reason, s.Provider, s.OccurredAt, s.Cause))],
            inForce);
    }
}

/// <param name="Reason">The gateway's own words (English, for operators).</param>
/// <param name="Cause">A <c>StatusCauses</c> code when the gateway gave one (every consent-gate block has one).</param>
public sealed record EvidenceMessageStatus(string Status, string? Reason, string? Provider, DateTimeOffset OccurredAt, string? Cause = null);

/// <summary>A grant the re-grant rule refused (its record is not effective): the opt-out it may not override and what it lacks.</summary>
/// <param name="Missing"><see cref="RegrantRequirements"/> codes.</param>
public sealed record RefusedGrant(long Record, long OptOutRecord, string OptOutMethod, DateTimeOffset OptOutCapturedAt, IReadOnlyList<string> Missing)
{
    public static RefusedGrant Of(RegrantRefusal refusal) =>
        new(refusal.Grant.Id, refusal.OptOut.Id, refusal.OptOut.Method, refusal.OptOut.CapturedAt, refusal.Missing);
}

/// <param name="Record">The ledger record that decided it, or null when there was none.</param>
public sealed record ConsentInForce(string Purpose, bool Granted, long? Record);
