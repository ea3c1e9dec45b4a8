using Comms.Contracts.Consent;
using MassTransit;

namespace Comms.Delivery.Consent;

/// <summary>Keeps the gateway's consent projection current from the ledger's events (any order, any repeats).</summary>
public sealed class ConsentChangedConsumer(GatewayDbContext db, TimeProvider time) : IConsumer<ConsentChanged>
{
    public async Task Consume(ConsumeContext<ConsentChanged> context)
    {
        var change = context.Message;
        var state = await db.ConsentStates.FindAsync([change.Contact, change.Channel, change.Purpose], context.CancellationToken);
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
        await db.SaveChangesAsync(context.CancellationToken);
    }
}
