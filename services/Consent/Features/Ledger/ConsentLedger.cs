using Comms.Consent.Persistence;
using Comms.Contracts.Consent;
using Comms.Mis;
using Comms.ServiceDefaults.Messaging;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Ledger;

/// <summary>
/// Appends to the consent ledger and announces the resulting state. Every writer (MIS events, the HTTP API, gateway
/// opt-outs, imports) goes through here, so the rule for "current" and the re-grant rule live in one place.
/// </summary>
public sealed class ConsentLedger(ConsentDbContext db, CommsCloudEvents misEvents, TimeProvider time)
{
    /// <summary>CloudEvent type for the MIS (docs/mis-integration.md, section 8).</summary>
    public const string ConsentChangedType = "consent.changed";

    // Two-int advisory lock keys live apart from the single-bigint keys of the per-contact locks.
    private const int LedgerLockClass = 0x436E7374; // "Cnst"
    private const int LedgerLockObject = 1;

    /// <summary>How long a writer waits for a running import to finish applying.</summary>
    private static readonly TimeSpan ImportWait = TimeSpan.FromMinutes(15);

    private object? _exclusiveTransaction;

    /// <summary>
    /// Takes the whole ledger for the caller's transaction: no other writer appends until it commits. A bulk import
    /// uses it instead of thousands of per-contact locks (PostgreSQL's lock table is small).
    /// </summary>
    public async Task LockExclusivelyAsync(CancellationToken cancellationToken)
    {
        var transaction = RequireTransaction();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LedgerLockClass}, {LedgerLockObject})", cancellationToken);
        _exclusiveTransaction = transaction;
    }

    public async Task<LedgerAppendResult> AppendAsync(ConsentRecord record, CancellationToken cancellationToken) =>
        await AppendAsync([record], cancellationToken);

    /// <summary>
    /// Appends <paramref name="records"/>, re-assesses every record of their contacts under the re-grant rule and
    /// publishes, through the outbox and inside the caller's transaction (which the caller commits, with its own inbox
    /// row): one ConsentChanged per (contact, channel, purpose) touched, and a <c>consent.changed</c> CloudEvent for
    /// the MIS where the current state changed or a grant was refused. A record whose SourceEventKey is already in the
    /// ledger (or earlier in this batch) is not appended again but reported as a duplicate.
    /// Writers of one contact are serialized by a transaction-scoped advisory lock, so the newest record id is also the
    /// highest sequence ever published for it, and the state published with it already sees every earlier record.
    /// </summary>
    public async Task<LedgerAppendResult> AppendAsync(IReadOnlyList<ConsentRecord> records, CancellationToken cancellationToken)
    {
        var transaction = RequireTransaction();
        var contacts = records.Select(r => r.Contact).Distinct().Order(StringComparer.Ordinal).ToList();
        if (!ReferenceEquals(_exclusiveTransaction, transaction))
        {
            // A running import holds the ledger for its whole apply phase (seconds to minutes): wait for it rather than
            // fail at the usual command timeout and spend the consumer's retries.
            var timeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(ImportWait);
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({LedgerLockClass}, {LedgerLockObject})", cancellationToken);
            }
            finally
            {
                db.Database.SetCommandTimeout(timeout);
            }

            foreach (var contact in contacts)
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({contact}, 0))", cancellationToken);
            }
        }

        var (fresh, duplicates) = await SplitDuplicatesAsync(records, cancellationToken);
        if (fresh.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken); // the caller's inbox row, if any
            return new LedgerAppendResult([], duplicates, []);
        }

        var existing = await db.ConsentRecords
            .Where(r => contacts.Contains(r.Contact))
            .ToListAsync(cancellationToken);
        var before = ConsentState.Current(existing).ToDictionary(KeyOf);

        db.ConsentRecords.AddRange(fresh);
        await db.SaveChangesAsync(cancellationToken);

        var all = existing.Concat(fresh).ToList();
        var touched = fresh.Select(KeyOf).ToHashSet();
        foreach (var contactRecords in all.GroupBy(r => r.Contact))
        {
            // A late record can turn an earlier grant of another channel or purpose ineffective (its document was
            // already on file): that (contact, channel, purpose) is announced too.
            touched.UnionWith(ConsentRules.Assess([.. contactRecords]).Select(KeyOf));
        }

        var freshByKey = fresh.ToLookup(KeyOf);
        var allByKey = all.ToLookup(KeyOf);
        var states = ConsentState.Current(all).Where(s => touched.Contains(KeyOf(s))).ToList();
        foreach (var state in states)
        {
            var key = KeyOf(state);
            var keyRecords = allByKey[key].ToList();
            db.Publish(ToConsentChanged(state, keyRecords), time);

            var stateChanged = !before.TryGetValue(key, out var previous) || previous.Record.Id != state.Record.Id;
            var refused = freshByKey[key].Where(r => !r.Effective).MaxBy(r => r.Id);
            if (stateChanged || refused is not null)
            {
                PublishToMis(state, keyRecords, refused);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return new LedgerAppendResult(fresh, duplicates, states);
    }

    private async Task<(List<ConsentRecord> Fresh, List<ConsentRecord> Duplicates)> SplitDuplicatesAsync(
        IReadOnlyList<ConsentRecord> records, CancellationToken cancellationToken)
    {
        var keys = records.Where(r => r.SourceEventKey is not null).Select(r => r.SourceEventKey!).Distinct().ToList();
        var known = keys.Count == 0
            ? []
            : await db.ConsentRecords.AsNoTracking()
                .Where(r => r.SourceEventKey != null && keys.Contains(r.SourceEventKey))
                .ToDictionaryAsync(r => r.SourceEventKey!, cancellationToken);

        var fresh = new List<ConsentRecord>();
        var duplicates = new List<ConsentRecord>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.SourceEventKey is { } key && (known.TryGetValue(key, out _) || !seen.Add(key)))
            {
                duplicates.Add(known.GetValueOrDefault(key) ?? record);
            }
            else
            {
                fresh.Add(record);
            }
        }

        return (fresh, duplicates);
    }

    private static ConsentChanged ToConsentChanged(ConsentState state, IReadOnlyList<ConsentRecord> keyRecords)
    {
        var (clinicId, patientId) = Patient(state, keyRecords);
        return new ConsentChanged(
            state.Sequence,
            clinicId,
            patientId,
            state.Record.Contact,
            state.Record.Channel,
            state.Record.Purpose,
            state.Record.Granted,
            state.Record.Method,
            state.Record.CapturedAt,
            state.Record.RecordedAt,
            // The deciding record is effective: a grant was accepted over this opt-out, which a gateway's own may not be.
            state.Record.Granted ? ConsentRules.OptOutBefore(state.Record, keyRecords)?.CapturedAt : null);
    }

    private void PublishToMis(ConsentState state, IReadOnlyList<ConsentRecord> keyRecords, ConsentRecord? refused)
    {
        var (clinicId, patientId) = Patient(state, keyRecords);
        var record = state.Record;
        misEvents.Publish(db, ConsentChangedType, new
        {
            patientId,
            clinicId,
            contact = record.Contact,
            contactKind = record.ContactKind,
            channel = record.Channel,
            purpose = record.Purpose,
            granted = record.Granted,
            method = record.Method,
            capturedAt = record.CapturedAt,
            documentRef = record.DocumentRef,
            source = record.Source,
            sequence = state.Sequence,
            refusedGrant = refused is null
                ? null
                : new { sequence = refused.Id, method = refused.Method, source = refused.Source, documentRef = refused.DocumentRef, reason = refused.IneffectiveReason },
        });
    }

    /// <summary>
    /// The deciding record's clinic and patient; an opt-out often knows neither, so then those of the newest record of
    /// the same (contact, channel, purpose) that does.
    /// </summary>
    private static (string? ClinicId, string? PatientId) Patient(ConsentState state, IReadOnlyList<ConsentRecord> keyRecords)
    {
        if (state.Record.ClinicId is not null)
        {
            return (state.Record.ClinicId, state.Record.PatientId);
        }

        var known = keyRecords.Where(r => r.ClinicId is not null).MaxBy(r => r.Id);
        return known is null ? (null, state.Record.PatientId) : (known.ClinicId, state.Record.PatientId ?? known.PatientId);
    }

    private object RequireTransaction() =>
        db.Database.CurrentTransaction ?? throw new InvalidOperationException("ConsentLedger.AppendAsync runs inside the caller's transaction.");

    private static (string Contact, string Channel, string Purpose) KeyOf(ConsentRecord r) => (r.Contact, r.Channel, r.Purpose);

    private static (string Contact, string Channel, string Purpose) KeyOf(ConsentState s) => KeyOf(s.Record);
}

/// <param name="Appended">The records appended, with their ids and the ledger's assessment.</param>
/// <param name="Duplicates">Records already in the ledger under the same SourceEventKey (the stored one where known).</param>
/// <param name="States">The state of each (contact, channel, purpose) touched, as published.</param>
public sealed record LedgerAppendResult(
    IReadOnlyList<ConsentRecord> Appended,
    IReadOnlyList<ConsentRecord> Duplicates,
    IReadOnlyList<ConsentState> States)
{
    /// <summary>The state of <paramref name="record"/>'s (contact, channel, purpose) after the append.</summary>
    public ConsentState StateOf(ConsentRecord record) =>
        States.Single(s => s.Record.Contact == record.Contact && s.Record.Channel == record.Channel && s.Record.Purpose == record.Purpose);
}
