using System.Net;
using System.Security.Claims;

namespace Comms.StaffAccounts.Tests;

public sealed class StaffClaimsTests
{
    private static readonly StaffSite Templating = new()
    {
        Name = "Comms.Templating", Title = "Шаблоны", Accounts = "/account",
        Roles = new HashSet<string> { StaffRoles.Marketer, StaffRoles.Viewer }, ProviderRoles = new HashSet<string> { StaffRoles.Viewer },
    };

    private static readonly StaffSite Feedback = new()
    {
        Name = "Comms.Feedback", Title = "Отзывы", Accounts = "/manager", Path = "/manager", Roles = new HashSet<string> { StaffRoles.Manager },
    };

    private static readonly StaffOidcOptions Oidc = new()
    {
        Authority = "https://id.clinic.example/realms/staff",
        ClientId = "comms",
        Roles = new() { [StaffRoles.Marketer] = ["comms-marketers"], [StaffRoles.Manager] = ["clinic-managers", "chain-managers"] },
    };

    [Fact]
    public void The_providers_groups_give_the_roles_known_here_and_its_clinic_claim_the_clinics()
    {
        var external = Provider(("preferred_username", "ivanova"), ("name", "Иванова Анна"), ("roles", "clinic-managers"), ("roles", "comms-marketers"),
            ("clinics", "msk-1"), ("clinics", "spb-2"));

        var atFeedback = StaffClaims.OfProvider(external, Oidc, Feedback)!.Staff()!;
        var atTemplating = StaffClaims.OfProvider(external, Oidc, Templating)!.Staff()!;

        Assert.Equal(("ivanova", "Иванова Анна"), (atFeedback.Name, atFeedback.DisplayName));
        Assert.Equal([StaffRoles.Manager], atFeedback.Roles);
        Assert.Equal(["msk-1", "spb-2"], atFeedback.Clinics);
        Assert.True(atFeedback.MaySee("spb-2"));
        Assert.False(atFeedback.MaySee("ekb-3"));
        Assert.Equal(new HashSet<string> { StaffRoles.Marketer, StaffRoles.Viewer }, atTemplating.Roles);
    }

    [Fact]
    public void A_provider_user_without_a_role_here_is_not_signed_in_and_one_without_clinics_sees_none()
    {
        var noGroup = Provider(("email", "guest@clinic.example"));
        var managerWithoutClinics = Provider(("sub", "u-1"), ("roles", "chain-managers"));
        var everywhere = Provider(("sub", "u-2"), ("roles", "chain-managers"), ("clinics", "*"));

        Assert.Null(StaffClaims.OfProvider(noGroup, Oidc, Feedback));
        Assert.Equal([StaffRoles.Viewer], StaffClaims.OfProvider(noGroup, Oidc, Templating)!.Staff()!.Roles); // Templating: everyone reads
        Assert.Empty(StaffClaims.OfProvider(managerWithoutClinics, Oidc, Feedback)!.Staff()!.Clinics);
        Assert.False(StaffClaims.OfProvider(managerWithoutClinics, Oidc, Feedback)!.Staff()!.MaySee("msk-1"));
        Assert.True(StaffClaims.OfProvider(everywhere, Oidc, Feedback)!.Staff()!.SeesEveryClinic);
        Assert.Null(StaffClaims.OfProvider(Provider(("roles", "chain-managers")), Oidc, Feedback)); // no name at all
    }

    [Fact]
    public void A_local_account_without_clinics_sees_every_clinic_and_keeps_only_this_sites_roles()
    {
        var account = new StaffAccount
        {
            Name = " Chief ", PasswordHash = StaffPasswords.Hash("pw", StaffPasswords.MinimumIterations),
            Roles = [StaffRoles.Manager, StaffRoles.Marketer],
        };

        var user = StaffClaims.Of(account, Feedback).Staff()!;

        Assert.Equal(("Chief", "Chief"), (user.Name, user.DisplayName));
        Assert.Equal([StaffRoles.Manager], user.Roles);
        Assert.True(user.SeesEveryClinic);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void A_client_is_counted_by_its_address_or_its_ipv6_64(string address, string key)
    {
        Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address)));
        Assert.Null(ClientAddress.KeyOf(null));
    }

    private static ClaimsPrincipal Provider(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));
}
