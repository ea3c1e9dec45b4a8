namespace Comms.StaffAccounts;

/// <summary>
/// Section <c>Staff</c>, the same in every service with staff pages: the local accounts, the identity provider
/// (<see cref="StaffOidcOptions"/>), the guard against guessing (<see cref="StaffLockoutOptions"/>) and the proxies whose
/// forwarded client address is believed. A service admits the accounts that have one of its roles; so one list (one
/// secret) may serve every service. No accounts means nobody signs in locally.
/// </summary>
public sealed class StaffOptions
{
    public const string Section = "Staff";

    public List<StaffAccount> Accounts { get; set; } = [];

    /// <summary>
    /// Addresses or networks (<c>10.0.0.0/8</c>) of the reverse proxies in front of the service: from them, the
    /// client's address and scheme are read from <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>. Empty: the peer
    /// itself is the client.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public StaffAccount? Named(string? name) => Accounts.FirstOrDefault(a => StaffAccount.SameName(a.Name, name));
}

public sealed class StaffAccount
{
    public const int MaxNameLength = 100;

    /// <summary>What the person types to sign in; unique, any case. Recorded as the author of what they change.</summary>
    public string Name { get; set; } = "";

    /// <summary><see cref="StaffPasswords"/>' format; the password itself is never configured.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>Shown on the pages; the name when empty.</summary>
    public string? DisplayName { get; set; }

    /// <summary>One or more of <see cref="StaffRoles.All"/>: what the person may do, in whichever service knows the role.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>The clinics the person is limited to; empty or <c>*</c>: every clinic of the chain.</summary>
    public List<string> Clinics { get; set; } = [];

    internal static bool SameName(string? configured, string? given) =>
        given is not null && string.Equals(configured?.Trim(), given.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>Every staff role of Comms, in one place; each service admits the ones it knows.</summary>
public static class StaffRoles
{
    /// <summary>Templating: edits drafts, publishes and rolls back templates. Audience: makes and edits campaigns.</summary>
    public const string Marketer = "marketer";

    /// <summary>Templating: reads templates and previews them.</summary>
    public const string Viewer = "viewer";

    /// <summary>Feedback: the managers' results page and its file; Audience: the analytics page and its file; for their clinics.</summary>
    public const string Manager = "manager";

    /// <summary>Audience: approves and launches campaigns that someone else made, pauses, resumes and stops them (38-ФЗ ст. 18 ч. 2).</summary>
    public const string Approver = "approver";

    /// <summary>Inbox: the front desk's conversations with patients — reads them, replies, assigns, notes; for their clinics.</summary>
    public const string Reception = "reception";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Marketer, Viewer, Manager, Approver, Reception };
}
