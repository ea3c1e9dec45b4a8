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

    private static ConsentState State(string contact, string channel, string purpose, bool granted) => new()
    {
        Contact = contact, Channel = channel, Purpose = purpose, Granted = granted, Method = "paper_form", Sequence = 1,
        CapturedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
    };
}
