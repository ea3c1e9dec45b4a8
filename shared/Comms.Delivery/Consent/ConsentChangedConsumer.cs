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
        else if (state.Sequence >= change.Sequence ||
                 (change.Granted && state.OptedOutAt is { } optedOut && change.CapturedAt <= optedOut))
        {
            // Older than what we hold, or a grant the patient's own later opt-out overrides.
            return;
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
}
