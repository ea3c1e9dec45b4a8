namespace Comms.StaffAccounts;

/// <summary>
/// Section <c>Staff:Oidc</c>: sign-in through the clinic chain's identity provider (OpenID Connect, authorization code
/// with PKCE), beside the local accounts, on every staff page. Off while <see cref="Authority"/> is empty. The provider's
/// claims give the roles (<see cref="RoleClaim"/> values mapped by <see cref="Roles"/>) and the clinics
/// (<see cref="ClinicClaim"/>).
/// </summary>
public sealed class StaffOidcOptions
{
    public const string Section = "Staff:Oidc";

    /// <summary>The provider's issuer URL, e.g. https://id.clinic.example/realms/staff; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string ClientId { get; set; } = "";

    public string? ClientSecret { get; set; }

    /// <summary>The words on the sign-in page's link.</summary>
    public string DisplayName { get; set; } = "Корпоративная учётная запись";

    /// <summary>The claim carrying the user's groups or roles at the provider.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// For each staff role (<see cref="StaffRoles"/>), the values of <see cref="RoleClaim"/> that give it:
    /// <c>Staff:Oidc:Roles:marketer:0 = comms-marketers</c>.
    /// </summary>
    public Dictionary<string, List<string>> Roles { get; set; } = [];

    /// <summary>The claim listing the clinic ids the user is limited to; <c>*</c> among them: every clinic. None: no clinic.</summary>
    public string ClinicClaim { get; set; } = "clinics";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
