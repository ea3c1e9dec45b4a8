namespace Comms.Gateway.Sms.Tests;

/// <summary>
/// Two writers of one projection row, interleaved step by step: the first has read the row and decided, and is held
/// just before it writes; the second runs as far as it can; then the first goes on. Whatever the order, the newer
/// announcement wins and the patient's "СТОП" stands.
/// </summary>
public sealed class ConsentProjectionInterleavingTests(GatewaySmsApp app) : IClassFixture<GatewaySmsApp>
{
    private readonly ProjectionWriters _writers = new(app);

    [Fact]
    public async Task A_revocation_applied_while_an_older_grant_is_held_before_its_write_is_kept()
    {
        var phone = SendingTests.NewPhone();
        await _writers.SeedAsync(phone, granted: false, sequence: 3);
        var hold = new HoldBeforeProjectionWrite();
        await using var grantDb = await _writers.OpenAsync(hold);
        await using var revokeDb = await _writers.OpenAsync();

        var grant = _writers.ApplyAsync(grantDb, _writers.Announcement(phone, 4, granted: true));
        await hold.Reached;
        var revoke = _writers.ApplyAsync(revokeDb, _writers.Announcement(phone, 5, granted: false));
        await _writers.FinishedOrWaitingAsync(revoke, revokeDb);
        hold.Release();
        await Task.WhenAll(grant, revoke);

        var state = await _writers.ReadAsync(phone);
        Assert.Equal((false, 5L), (state.Granted, state.Sequence));
    }

    [Fact]
    public async Task A_stop_recorded_while_a_grant_is_held_before_its_write_is_not_overwritten_by_it()
    {
        var phone = SendingTests.NewPhone();
        await _writers.SeedAsync(phone, granted: false, sequence: 3);
        var hold = new HoldBeforeProjectionWrite();
        await using var grantDb = await _writers.OpenAsync(hold);
        await using var webhookDb = await _writers.OpenAsync();

        var grant = _writers.ApplyAsync(grantDb, _writers.Announcement(phone, 4, granted: true));
        await hold.Reached;
        var stop = _writers.RecordStopAsync(webhookDb, phone);
        await _writers.FinishedOrWaitingAsync(stop, webhookDb);
        hold.Release();
        await Task.WhenAll(grant, stop);

        var state = await _writers.ReadAsync(phone);
        Assert.False(state.Granted, $"granted with the opt-out of {state.OptedOutAt:O} on record");
        Assert.Equal(_writers.Clock.GetUtcNow(), state.OptedOutAt);
    }

    [Fact]
    public async Task A_grant_applied_while_a_stop_is_held_before_its_write_does_not_reopen_the_channel()
    {
        var phone = SendingTests.NewPhone();
        await _writers.SeedAsync(phone, granted: false, sequence: 3);
        var hold = new HoldBeforeProjectionWrite();
        await using var webhookDb = await _writers.OpenAsync(hold);
        await using var grantDb = await _writers.OpenAsync();

        var stop = _writers.RecordStopAsync(webhookDb, phone);
        await hold.Reached;
        var grant = _writers.ApplyAsync(grantDb, _writers.Announcement(phone, 4, granted: true));
        await _writers.FinishedOrWaitingAsync(grant, grantDb);
        hold.Release();
        await Task.WhenAll(stop, grant);

        var state = await _writers.ReadAsync(phone);
        Assert.False(state.Granted, $"granted with the opt-out of {state.OptedOutAt:O} on record");
        Assert.Equal(_writers.Clock.GetUtcNow(), state.OptedOutAt);
    }

    [Fact]
    public async Task A_first_stop_and_a_first_grant_at_once_end_opted_out_without_a_key_violation()
    {
        var phone = SendingTests.NewPhone();
        var hold = new HoldBeforeProjectionWrite();
        await using var webhookDb = await _writers.OpenAsync(hold);
        await using var grantDb = await _writers.OpenAsync();

        var stop = _writers.RecordStopAsync(webhookDb, phone);
        await hold.Reached;
        var grant = _writers.ApplyAsync(grantDb, _writers.Announcement(phone, 4, granted: true));
        await _writers.FinishedOrWaitingAsync(grant, grantDb);
        hold.Release();
        await Task.WhenAll(stop, grant);

        var state = await _writers.ReadAsync(phone);
        Assert.False(state.Granted, $"granted with the opt-out of {state.OptedOutAt:O} on record");
        Assert.Equal(_writers.Clock.GetUtcNow(), state.OptedOutAt);
    }
}
