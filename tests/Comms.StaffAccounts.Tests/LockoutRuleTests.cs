namespace Comms.StaffAccounts.Tests;

public sealed class LockoutRuleTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly StaffLockoutOptions Defaults = new();

    [Fact]
    public void Five_failures_are_free_then_the_wait_doubles_and_the_tenth_locks_for_fifteen_minutes()
    {
        SignInThrottle? row = null;
        var waits = new List<(TimeSpan Wait, bool Locked)>();
        for (var i = 0; i < 11; i++)
        {
            var (failures, notBefore, locked) = LockoutRule.AfterFailure(row, Defaults.FreeFailures, Defaults.LockAfter, Defaults, Now);
            row = new SignInThrottle { Key = "k", Failures = failures, LastFailedAt = Now, NotBefore = notBefore, Locked = locked };
            waits.Add((notBefore - Now, locked));
        }

        static TimeSpan s(int seconds) => TimeSpan.FromSeconds(seconds);
        Assert.Equal(
            [
                (s(0), false), (s(0), false), (s(0), false), (s(0), false), (s(0), false),
                (s(1), false), (s(2), false), (s(4), false), (s(8), false),
                (TimeSpan.FromMinutes(15), true), (TimeSpan.FromMinutes(15), true),
            ],
            waits);
    }

    [Fact]
    public void The_wait_never_exceeds_the_maximum()
    {
        var row = new SignInThrottle { Key = "k", Failures = 48, LastFailedAt = Now, NotBefore = Now };

        var (failures, notBefore, locked) = LockoutRule.AfterFailure(row, Defaults.AddressFreeFailures, Defaults.AddressLockAfter, Defaults, Now);

        Assert.Equal(49, failures);
        Assert.Equal(Defaults.MaxDelay, notBefore - Now);
        Assert.False(locked);
    }

    [Fact]
    public void A_wait_refuses_until_it_ends_and_a_count_is_forgotten_a_day_after_its_last_failure()
    {
        var locked = new SignInThrottle { Key = "k", Failures = 10, LastFailedAt = Now, NotBefore = Now.AddMinutes(15), Locked = true };

        var during = LockoutRule.Waiting(locked, Defaults, Now.AddMinutes(5));
        var after = LockoutRule.Waiting(locked, Defaults, Now.AddMinutes(15));
        var nextDay = LockoutRule.AfterFailure(locked, Defaults.FreeFailures, Defaults.LockAfter, Defaults, Now.AddDays(1));
        var sameDay = LockoutRule.AfterFailure(locked, Defaults.FreeFailures, Defaults.LockAfter, Defaults, Now.AddHours(23));

        Assert.Equal(new SignInRefusal(TimeSpan.FromMinutes(10), Locked: true), during);
        Assert.Null(after);
        Assert.Equal((1, Now.AddDays(1), false), nextDay);
        Assert.Equal(11, sameDay.Failures);
        Assert.True(sameDay.Locked); // past the limit, every failure locks again
    }
}
