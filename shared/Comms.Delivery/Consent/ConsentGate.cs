namespace Comms.Delivery.Consent;

public sealed record ConsentDecision(bool Allowed, string? Reason);

/// <summary>
/// The one rule nothing bypasses (126-ФЗ ст. 44.1; 38-ФЗ ст. 18): a message goes out only when the projection holds a
/// granted consent for exactly this contact, channel and purpose. Unknown means no: the gate fails closed.
/// Marketing consent never stands in for service consent, nor the reverse.
/// </summary>
public sealed class ConsentGate(GatewayDbContext db)
{
    public async Task<ConsentDecision> CheckAsync(string contact, string channel, string purpose, CancellationToken cancellationToken)
    {
        var state = await db.ConsentStates.FindAsync([contact, channel, purpose], cancellationToken);
        if (state is null)
        {
            return new ConsentDecision(false, $"no consent on record for {channel}/{purpose}");
        }

        return state.Granted
            ? new ConsentDecision(true, null)
            : new ConsentDecision(false, $"consent for {channel}/{purpose} revoked ({state.Method}, {state.CapturedAt:u})");
    }
}
