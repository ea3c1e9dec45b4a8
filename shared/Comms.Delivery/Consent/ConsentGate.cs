using Comms.Contracts;
using Comms.Contracts.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Delivery.Consent;

/// <summary>
/// Proof that the consent gate allowed a message to exactly this contact, on this channel, for this purpose, at
/// <see cref="CheckedAt"/>. Only <see cref="ConsentGate"/> can make one (the constructor is internal to this library),
/// and provider adapters take it instead of an address: no code path reaches a provider without the gate.
/// </summary>
public sealed class ConsentClearance
{
    internal ConsentClearance(string contact, string channel, string purpose, DateTimeOffset checkedAt)
    {
        Contact = contact;
        Channel = channel;
        Purpose = purpose;
        CheckedAt = checkedAt;
    }

    public string Contact { get; }

    public string Channel { get; }

    public string Purpose { get; }

    public DateTimeOffset CheckedAt { get; }

    /// <summary>For adapters: refuses a clearance given for another channel.</summary>
    public string ContactFor(string channel) => Channel == channel
        ? Contact
        : throw new InvalidOperationException($"A consent clearance for {Channel} cannot send on {channel}.");
}

/// <param name="Reason">Why not, for operators (English, with the details).</param>
/// <param name="Cause">Why not, as a <see cref="StatusCauses"/> code: the status carries it, and the consent evidence words it in Russian.</param>
public sealed record ConsentDecision(ConsentClearance? Clearance, string? Reason, string? Cause = null)
{
    public bool Allowed => Clearance is not null;
}

/// <summary>
/// The one rule nothing bypasses (126-ФЗ ст. 44.1; 38-ФЗ ст. 18): a message goes out only when the projection holds a
/// granted consent for exactly this contact, channel and purpose. Unknown means no: the gate fails closed.
/// Marketing consent never stands in for service consent, nor the reverse.
/// </summary>
public sealed class ConsentGate(GatewayDbContext db, TimeProvider time)
{
    public async Task<ConsentDecision> CheckAsync(string contact, string channel, string purpose, CancellationToken cancellationToken)
    {
        if (!Purposes.All.Contains(purpose))
        {
            return Decide(null, contact, channel, purpose);
        }

        // Read from the database every time, never from this unit of work's cache: a consumer that asks again before a
        // retry must see a revocation another consumer committed meanwhile.
        var state = await db.ConsentStates.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Contact == contact && c.Channel == channel && c.Purpose == purpose, cancellationToken);
        return Decide(state, contact, channel, purpose);
    }

    /// <summary>
    /// The same for a batch's messages on one channel, with one query: each decision as <see cref="CheckAsync"/>
    /// gives it, in the order asked.
    /// </summary>
    public async Task<IReadOnlyList<ConsentDecision>> CheckAllAsync(
        IReadOnlyList<(string Contact, string Purpose)> asks, string channel, CancellationToken cancellationToken)
    {
        var contacts = asks.Select(a => a.Contact).Distinct().ToList();
        var states = (await db.ConsentStates.AsNoTracking()
                .Where(c => c.Channel == channel && contacts.Contains(c.Contact))
                .ToListAsync(cancellationToken))
            .ToDictionary(c => (c.Contact, c.Purpose));
        return [.. asks.Select(a => Decide(states.GetValueOrDefault((a.Contact, a.Purpose)), a.Contact, channel, a.Purpose))];
    }

    private ConsentDecision Decide(ConsentState? state, string contact, string channel, string purpose)
    {
        if (!Purposes.All.Contains(purpose))
        {
            return new ConsentDecision(null, $"unknown purpose '{purpose}'", StatusCauses.UnknownPurpose);
        }

        if (state is null)
        {
            return new ConsentDecision(null, $"no consent on record for {channel}/{purpose}", StatusCauses.NoConsent);
        }

        if (!state.Granted)
        {
            return state.OptedOutAt is { } optedOut
                ? new ConsentDecision(null, $"the patient opted out of {channel}/{purpose} ({state.Method}, {optedOut:u})", StatusCauses.OptedOut)
                : new ConsentDecision(null, $"consent for {channel}/{purpose} revoked ({state.Method}, {state.CapturedAt:u})", StatusCauses.ConsentRevoked);
        }

        return new ConsentDecision(new ConsentClearance(contact, channel, purpose, time.GetUtcNow()), null);
    }
}
