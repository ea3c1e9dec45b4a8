namespace Comms.StaffAccounts;

/// <summary>
/// Section <c>Staff:Lockout</c>: how repeated wrong passwords are slowed, then locked out, per account name and per
/// client address. The first <see cref="FreeFailures"/> failures in a row are answered at once; after each further one
/// the next attempt waits <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>; the
/// <see cref="LockAfter"/>-th locks for <see cref="LockFor"/>, and so does every failure after it. Attempts made while
/// waiting are refused unchecked, the right password too: during a delay they count as failures (hammering locks sooner),
/// during a lockout they do not (it ends when the page said). A successful sign-in clears the account's and the address's
/// count; a count is forgotten <see cref="ForgetAfter"/> after its last failure. The counts are rows in the service's
/// database, so every replica, and a restarted one, sees them.
/// </summary>
public sealed class StaffLockoutOptions
{
    public const string Section = "Staff:Lockout";

    public int FreeFailures { get; set; } = 5;

    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    public int LockAfter { get; set; } = 10;

    public TimeSpan LockFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The same for one client address, whatever names it tries: higher, as a clinic's staff share one address.</summary>
    public int AddressFreeFailures { get; set; } = 20;

    public int AddressLockAfter { get; set; } = 50;

    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromDays(1);
}
