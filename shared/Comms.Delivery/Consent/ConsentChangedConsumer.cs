using Comms.Contracts.Consent;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Consent;

/// <summary>Keeps the gateway's consent projection current from the ledger's events (any order, any repeats).</summary>
public sealed class ConsentChangedConsumer(GatewayDbContext db, TimeProvider time) : IConsumer<ConsentChanged>
{
    public Task Consume(ConsumeContext<ConsentChanged> context) => ApplyAsync(context.Message, context.CancellationToken);

    /// <summary>Applies one announcement in a transaction of its own (the caller's inbox row commits with it).</summary>
    public async Task ApplyAsync(ConsentChanged change, CancellationToken cancellationToken)
    {
        // Writers of one (contact, channel, purpose) take turns, also when two arrive at once (a grant and its
        // withdrawal, two replicas, a "СТОП" recorded by a webhook through OptOuts): each holds the row's lock from
        // before it reads the row until it commits, so it decides on what the last one committed. The newer sequence
        // wins, an opt-out is never overwritten by a grant that did not see it, and a first sight is not inserted twice.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync(ConsentState.LockSubject(change.Contact, change.Channel, change.Purpose), cancellationToken);
        var state = await db.ConsentStates.FindAsync([change.Contact, change.Channel, change.Purpose], cancellationToken);
        if (state is null)
        {
            state = new ConsentState { Contact = change.Contact, Channel = change.Channel, Purpose = change.Purpose, Method = change.Method };
            db.ConsentStates.Add(state);
        }
        else if (state.Sequence >= change.Sequence)
        {
            return; // older than what we hold
        }
        else if (change.Granted && state.OptedOutAt is { } optedOut)
        {
            if (!Lifts(change, optedOut))
            {
                // The patient opted out here, and the ledger has not (yet) accepted a grant over that opt-out: an MIS
                // re-saving its checkbox after the «СТОП», before the ledger recorded it, must not reopen the channel.
                return;
            }

            state.OptedOutAt = null;
        }

        state.Granted = change.Granted;
        state.Sequence = change.Sequence;
        state.Method = change.Method;
        state.ClinicId = change.ClinicId;
        state.CapturedAt = change.CapturedAt;
        state.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Whether a granted state lifts this gateway's opt-out of <paramref name="optedOut"/>: only when the ledger's re-grant
    /// rule accepted the grant over that opt-out or a later one (<see cref="ConsentChanged.AcceptedOverOptOutAt"/>). The
    /// ledger records a gateway's opt-out at the very time the gateway stamped it; both are compared to the microsecond
    /// PostgreSQL keeps.
    /// </summary>
    private static bool Lifts(ConsentChanged change, DateTimeOffset optedOut) =>
        change.Granted && change.AcceptedOverOptOutAt is { } acceptedOver && ToMicroseconds(acceptedOver) >= ToMicroseconds(optedOut);

    private static long ToMicroseconds(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerMicrosecond;
}
