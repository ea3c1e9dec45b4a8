using Comms.Contracts;
using Comms.Contracts.Delivery;
using Comms.Delivery;
using Comms.Delivery.Consent;
using Microsoft.Extensions.DependencyInjection;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The gate every gateway shares, for every channel, against a real projection table.</summary>
public sealed class ConsentGateTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    public static TheoryData<string> AllChannels => [.. Channels.All];

    [Theory]
    [MemberData(nameof(AllChannels))]
    public async Task Gate_fails_closed_for_every_channel(string channel)
    {
        var contact = channel == Channels.Email ? $"p{Guid.NewGuid():N}@example.ru" : SendingTests.NewPhone();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<ConsentGate>();

        var none = await gate.CheckAsync(contact, channel, Purposes.Service, default);
        Assert.Equal($"no consent on record for {channel}/service", none.Reason);
        Assert.Equal(StatusCauses.NoConsent, none.Cause);

        db.ConsentStates.Add(State(contact, channel, Purposes.Service, granted: true));
        await db.SaveChangesAsync();
        var allowed = await gate.CheckAsync(contact, channel, Purposes.Service, default);
        Assert.Equal(contact, allowed.Clearance!.ContactFor(channel));
        Assert.Throws<InvalidOperationException>(() => allowed.Clearance.ContactFor(channel == Channels.Sms ? Channels.Email : Channels.Sms));

        // Service consent is not marketing consent.
        Assert.False((await gate.CheckAsync(contact, channel, Purposes.Marketing, default)).Allowed);

        var state = await db.ConsentStates.FindAsync(contact, channel, Purposes.Service);
        state!.Granted = false;
        await db.SaveChangesAsync();
        var revoked = await gate.CheckAsync(contact, channel, Purposes.Service, default);
        Assert.StartsWith($"consent for {channel}/service revoked", revoked.Reason, StringComparison.Ordinal);
        Assert.Equal(StatusCauses.ConsentRevoked, revoked.Cause);

        state.OptedOutAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        Assert.Equal(StatusCauses.OptedOut, (await gate.CheckAsync(contact, channel, Purposes.Service, default)).Cause);
    }

    [Fact]
    public async Task Marketing_consent_does_not_cover_service_messages()
    {
        var contact = SendingTests.NewPhone();
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        db.ConsentStates.Add(State(contact, Channels.Sms, Purposes.Marketing, granted: true));
        await db.SaveChangesAsync();

        var decision = await scope.ServiceProvider.GetRequiredService<ConsentGate>().CheckAsync(contact, Channels.Sms, Purposes.Service, default);

        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task A_batch_asked_at_once_gets_each_decision_the_gate_gives_alone_in_the_order_asked()
    {
        var (granted, revoked, optedOut, none, marketingOnly) = (SendingTests.NewPhone(), SendingTests.NewPhone(), SendingTests.NewPhone(),
            SendingTests.NewPhone(), SendingTests.NewPhone());
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        db.ConsentStates.AddRange(
            State(granted, Channels.Sms, Purposes.Service, granted: true),
            State(granted, Channels.Email, Purposes.Service, granted: false), // another channel's refusal does not count here
            State(revoked, Channels.Sms, Purposes.Service, granted: false),
            State(optedOut, Channels.Sms, Purposes.Service, granted: false),
            State(marketingOnly, Channels.Sms, Purposes.Marketing, granted: true));
        await db.SaveChangesAsync();
        (await db.ConsentStates.FindAsync(optedOut, Channels.Sms, Purposes.Service))!.OptedOutAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync();
        var gate = scope.ServiceProvider.GetRequiredService<ConsentGate>();
        (string, string)[] asks =
        [
            (granted, Purposes.Service), (revoked, Purposes.Service), (optedOut, Purposes.Service), (none, Purposes.Service),
            (marketingOnly, Purposes.Service), (marketingOnly, Purposes.Marketing), (granted, "newsletter"), (granted, Purposes.Service),
        ];

        var together = await gate.CheckAllAsync(asks, Channels.Sms, default);

        Assert.Equal(asks.Length, together.Count);
        for (var i = 0; i < asks.Length; i++)
        {
            var alone = await gate.CheckAsync(asks[i].Item1, Channels.Sms, asks[i].Item2, default);
            Assert.Equal((alone.Allowed, alone.Reason, alone.Cause), (together[i].Allowed, together[i].Reason, together[i].Cause));
            Assert.Equal(alone.Clearance?.ContactFor(Channels.Sms), together[i].Clearance?.ContactFor(Channels.Sms));
        }

        Assert.Equal([true, false, false, false, false, true, false, true], together.Select(d => d.Allowed));
        Assert.Equal([null, StatusCauses.ConsentRevoked, StatusCauses.OptedOut, StatusCauses.NoConsent, StatusCauses.NoConsent, null, StatusCauses.UnknownPurpose, null],
            together.Select(d => d.Cause));
    }

    private static ConsentState State(string contact, string channel, string purpose, bool granted) => new()
    {
        Contact = contact, Channel = channel, Purpose = purpose, Granted = granted, Method = "paper_form", Sequence = 1,
        CapturedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
    };
}
