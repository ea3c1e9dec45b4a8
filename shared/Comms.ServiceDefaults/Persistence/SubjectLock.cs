using Microsoft.EntityFrameworkCore;

namespace Comms.ServiceDefaults.Persistence;

/// <summary>
/// One writer at a time per subject (an appointment, one MIS event): a PostgreSQL advisory lock held until the current
/// transaction ends. Two consumers that meet the same new thing at once (a resent event, two events about one new
/// booking, two replicas) then take turns: the second reads what the first committed, so a repeat is skipped as a
/// repeat and a first sight becomes an update, instead of both inserting and one failing on the primary key.
/// </summary>
public static class SubjectLock
{
    public static async Task LockSubjectAsync(this DbContext db, string subject, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A subject lock lasts as long as its transaction: begin the transaction first.");
        }

        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({subject}, 0))", cancellationToken);
    }

    /// <summary>
    /// The same lock without waiting: false when another transaction holds it. For work that holds several subjects in
    /// one transaction (a batch), where waiting could deadlock with another batch: the subject is left for later instead.
    /// Taken again in the same transaction, it is true.
    /// </summary>
    public static async Task<bool> TryLockSubjectAsync(this DbContext db, string subject, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A subject lock lasts as long as its transaction: begin the transaction first.");
        }

        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtextextended({subject}, 0)) AS \"Value\"")
            .SingleAsync(cancellationToken);
    }

    /// <summary>
    /// The locks of several subjects (a batch's), one statement, in the order of their lock keys: two batches that share
    /// subjects take them in the same order, so neither holds one the other waits for while it waits (PostgreSQL's
    /// deadlock check, retried as transient, is the backstop).
    /// </summary>
    public static async Task LockSubjectsAsync(this DbContext db, IEnumerable<string> subjects, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A subject lock lasts as long as its transaction: begin the transaction first.");
        }

        var all = subjects.Distinct(StringComparer.Ordinal).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"""
            SELECT count(pg_advisory_xact_lock(l.key))
            FROM (SELECT DISTINCT hashtextextended(s, 0) AS key FROM unnest({all}) AS s ORDER BY 1) AS l
            """,
            cancellationToken);
    }
}
