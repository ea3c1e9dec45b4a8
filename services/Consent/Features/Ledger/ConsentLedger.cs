using Comms.Consent.Persistence;
using Comms.Contracts.Consent;
using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Consent.Features.Ledger;

/// <summary>
/// Appends to the consent ledger and announces the resulting state. Every writer (MIS events now; admin API, imports
/// and gateway opt-outs later) goes through here, so the rule for "current" lives in one place.
/// </summary>
public sealed class ConsentLedger(ConsentDbContext db, TimeProvider time)
{
    /// <summary>
    /// Appends <paramref name="record"/> and publishes ConsentChanged through the outbox, inside the caller's
    /// transaction (which the caller commits, together with its own inbox row). Writers of one (contact, channel,
    /// purpose) are serialized by a transaction-scoped advisory lock, so the newest record id is also the highest
    /// sequence ever published for it, and the state published with it already sees every earlier record.
    /// </summary>
    public async Task<ConsentChanged> AppendAsync(ConsentRecord record, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("ConsentLedger.AppendAsync runs inside the caller's transaction.");
        }

        var lockKey = $"{record.Contact}|{record.Channel}|{record.Purpose}";
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({lockKey}, 0))", cancellationToken);

        db.ConsentRecords.Add(record);
        await db.SaveChangesAsync(cancellationToken);

        var records = await db.ConsentRecords.AsNoTracking()
            .Where(r => r.Contact == record.Contact && r.Channel == record.Channel && r.Purpose == record.Purpose)
            .ToListAsync(cancellationToken);
        var state = ConsentState.Current(records).Single();

        var changed = new ConsentChanged(
            state.Sequence,
            state.Record.ClinicId,
            state.Record.PatientId,
            state.Record.Contact,
            state.Record.Channel,
            state.Record.Purpose,
            state.Record.Granted,
            state.Record.Method,
            state.Record.CapturedAt,
            state.Record.RecordedAt);
        db.Publish(changed, time);
        await db.SaveChangesAsync(cancellationToken);
        return changed;
    }
}

/// <summary>The state of one (contact, channel, purpose): its deciding record and the ledger's highest sequence for it.</summary>
public sealed record ConsentState(ConsentRecord Record, long Sequence)
{
    /// <summary>
    /// Per (contact, channel, purpose), the record captured last decides (ties: the later recorded). A consent captured
    /// earlier but reported late is history, not the current state. The sequence is the newest record's id, so a
    /// projection keeping the highest sequence ends with this state whatever order it saw the events in.
    /// </summary>
    public static IEnumerable<ConsentState> Current(IEnumerable<ConsentRecord> records) =>
        records
            .GroupBy(r => (r.Contact, r.Channel, r.Purpose))
            .Select(g => new ConsentState(
                g.OrderByDescending(r => r.CapturedAt).ThenByDescending(r => r.Id).First(),
                g.Max(r => r.Id)));
}
