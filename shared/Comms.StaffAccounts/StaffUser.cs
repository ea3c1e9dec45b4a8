using System.Security.Claims;

namespace Comms.StaffAccounts;

/// <summary>The signed-in person as a staff page sees them: their roles here and the clinics they are limited to.</summary>
public sealed record StaffUser(string Name, string DisplayName, IReadOnlySet<string> Roles, IReadOnlyList<string> Clinics)
{
    /// <summary>In <see cref="Clinics"/>: no limit.</summary>
    public const string EveryClinic = "*";

    public bool SeesEveryClinic => Clinics.Contains(EveryClinic, StringComparer.Ordinal);

    public bool MaySee(string clinicId) => SeesEveryClinic || Clinics.Contains(clinicId, StringComparer.Ordinal);

    public bool Is(string role) => Roles.Contains(role);
}

/// <summary>The claims of a staff sign-in, whether a local account or the identity provider made it.</summary>
public static class StaffClaims
{
    public const string DisplayName = "display_name";
    public const string Clinic = "clinic";

    /// <summary><see cref="Local"/> or <see cref="Provider"/>.</summary>
    public const string Source = "staff_source";

    /// <summary>A digest of the password hash the local account signed in with.</summary>
    public const string Stamp = "staff_stamp";

    public const string Local = "local";
    public const string Provider = "oidc";

    /// <summary>The signed-in staff member, or null for nobody.</summary>
    public static StaffUser? Staff(this ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? new StaffUser(
                name,
                user.FindFirstValue(DisplayName) ?? name,
                user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
                [.. user.FindAll(Clinic).Select(c => c.Value)])
            : null;

    /// <summary>A local account's sign-in: its roles known here, its clinics (none configured: every clinic).</summary>
    internal static ClaimsPrincipal Of(StaffAccount account, StaffSite site)
    {
        var name = account.Name.Trim();
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(DisplayName, string.IsNullOrWhiteSpace(account.DisplayName) ? name : account.DisplayName.Trim()),
            new(Source, Local),
            new(Stamp, StaffPasswords.Stamp(account.PasswordHash)),
        };
        claims.AddRange(account.Roles.Where(site.Roles.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(r => new Claim(ClaimTypes.Role, r)));
        var clinics = account.Clinics.Count == 0 ? [StaffUser.EveryClinic] : account.Clinics.Select(c => c.Trim()).Distinct(StringComparer.Ordinal);
        claims.AddRange(clinics.Select(c => new Claim(Clinic, c)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, site.Cookie));
    }

    /// <summary>
    /// The provider's user as this site's: a name (<c>preferred_username</c>, else <c>email</c>, else <c>sub</c>), the
    /// roles its <see cref="StaffOidcOptions.RoleClaim"/> values give plus the site's <see cref="StaffSite.ProviderRoles"/>,
    /// and the clinics of <see cref="StaffOidcOptions.ClinicClaim"/>. Null when the user has no role here.
    /// </summary>
    internal static ClaimsPrincipal? OfProvider(ClaimsPrincipal external, StaffOidcOptions oidc, StaffSite site)
    {
        var name = new[] { "preferred_username", "email", "sub" }.Select(external.FindFirstValue).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (name is null)
        {
            return null;
        }

        var values = external.FindAll(oidc.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var roles = oidc.Roles.Where(r => r.Value.Any(values.Contains)).Select(r => r.Key).Concat(site.ProviderRoles)
            .Where(site.Roles.Contains).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
        {
            return null;
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, name),
            new(DisplayName, external.FindFirstValue("name") is { Length: > 0 } display ? display : name),
            new(Source, Provider),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(external.FindAll(oidc.ClinicClaim).Select(c => c.Value.Trim()).Where(c => c.Length > 0)
            .Distinct(StringComparer.Ordinal).Select(c => new Claim(Clinic, c)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, site.Cookie));
    }
}
