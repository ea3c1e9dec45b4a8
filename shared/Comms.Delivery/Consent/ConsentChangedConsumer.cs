using Comms.Contracts.Consent;
using Comms.ServiceDefaults.Persistence;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Consent;

/// <summary>Keeps the gateway's consent projection current from the ledger's events (any order, any repeats).</summary>
public sealed class ConsentChangedConsumer(GatewayDbContext db, TimeProvider time) : IConsumer<ConsentChanged>
{
    public async Task Consume(ConsumeContext<ConsentChanged> context)
    {
        var change = context.Message;
        var cancellationToken = context.CancellationToken;
        // Changes of one (contact, channel, purpose) are applied one at a time, also when two arrive at once (a grant
        // and its withdrawal, two replicas): the second reads what the first wrote, so the newer sequence wins and a
        // first sight is not inserted twice.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LockSubjectAsync($"consent|{change.Contact}|{change.Channel}|{change.Purpose}", cancellationToken);
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
