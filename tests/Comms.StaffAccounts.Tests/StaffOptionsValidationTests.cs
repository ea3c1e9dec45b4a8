using Microsoft.Extensions.Configuration;

namespace Comms.StaffAccounts.Tests;

public sealed class StaffOptionsValidationTests
{
    private static readonly StaffSite Site = new()
    {
        Name = "Comms.Templating", Title = "Шаблоны", Accounts = "/account",
        Roles = new HashSet<string> { StaffRoles.Marketer, StaffRoles.Viewer }, ObsoleteSections = ["Templating:Accounts"],
    };

    private static readonly string Hash = StaffPasswords.Hash("pw", StaffPasswords.MinimumIterations);

    [Fact]
    public void A_well_formed_list_passes()
    {
        var failures = Validate(new()
        {
            ["Staff:Accounts:0:Name"] = "marketer", ["Staff:Accounts:0:PasswordHash"] = Hash, ["Staff:Accounts:0:Roles:0"] = "marketer",
            ["Staff:Accounts:1:Name"] = "chief", ["Staff:Accounts:1:PasswordHash"] = Hash, ["Staff:Accounts:1:Roles:0"] = "manager",
            ["Staff:Accounts:1:Clinics:0"] = "msk-1", ["Staff:TrustedProxies:0"] = "10.0.0.0/8", ["Staff:TrustedProxies:1"] = "192.0.2.1",
        });

        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("Staff:Accounts:0:PasswordHash", "marketer-dev-password", "Staff:Accounts:0:PasswordHash is not a password hash")]
    [InlineData("Staff:Accounts:0:PasswordHash", "", "Staff:Accounts:0:PasswordHash is required")]
    [InlineData("Staff:Accounts:0:Password", "marketer-dev-password", "Staff:Accounts:0:Password must not be set")]
    [InlineData("Staff:Accounts:0:Name", "", "Staff:Accounts:0:Name is required")]
    [InlineData("Staff:Accounts:0:Roles:0", "admin", "Staff:Accounts:0:Roles: 'admin' is not a staff role")]
    [InlineData("Staff:Accounts:0:Clinics:0", " ", "Staff:Accounts:0:Clinics must not contain an empty clinic id")]
    [InlineData("Staff:Accounts:1:Name", "MARKETER", "Staff:Accounts: the name 'marketer' is given to more than one account")]
    [InlineData("Staff:TrustedProxies:0", "10.0.0.0/99", "Staff:TrustedProxies:0")]
    [InlineData("Templating:Accounts:0:Password", "marketer-dev-password", "Templating:Accounts is no longer read")]
    public void A_bad_account_setting_is_named(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Staff:Accounts:0:Name"] = "marketer", ["Staff:Accounts:0:PasswordHash"] = Hash, ["Staff:Accounts:0:Roles:0"] = "marketer",
            [key] = value,
        };
        if (key.StartsWith("Staff:Accounts:1", StringComparison.Ordinal))
        {
            settings["Staff:Accounts:1:PasswordHash"] = Hash;
            settings["Staff:Accounts:1:Roles:0"] = "viewer";
        }

        var failures = Validate(settings);

        Assert.Contains(failures, f => f.Contains(named, StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("marketer-dev-password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Staff:Lockout:LockAfter", "5", "Staff:Lockout:LockAfter must be more than FreeFailures")]
    [InlineData("Staff:Lockout:AddressLockAfter", "20", "Staff:Lockout:AddressLockAfter")]
    [InlineData("Staff:Lockout:FirstDelay", "00:00:00", "Staff:Lockout:FirstDelay")]
    [InlineData("Staff:Lockout:MaxDelay", "00:00:00.500", "Staff:Lockout:MaxDelay")]
    [InlineData("Staff:Lockout:ForgetAfter", "00:10:00", "Staff:Lockout:ForgetAfter")]
    public void A_bad_lockout_setting_is_named(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var options = configuration.GetSection(StaffLockoutOptions.Section).Get<StaffLockoutOptions>() ?? new();

        var result = new StaffOptionsValidation(Site, configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Staff:Oidc:ClientId", "", "Staff:Oidc:ClientId is required")]
    [InlineData("Staff:Oidc:Authority", "id.clinic.example", "Staff:Oidc:Authority")]
    [InlineData("Staff:Oidc:Roles:admin:0", "admins", "Staff:Oidc:Roles:admin")]
    public void A_bad_provider_setting_is_named(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Staff:Oidc:Authority"] = "https://id.clinic.example/realms/staff", ["Staff:Oidc:ClientId"] = "comms", [key] = value,
        }).Build();
        var options = configuration.GetSection(StaffOidcOptions.Section).Get<StaffOidcOptions>()!;

        var result = new StaffOptionsValidation(Site, configuration).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(named, StringComparison.Ordinal));
    }

    private static List<string> Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(StaffOptions.Section).Get<StaffOptions>() ?? new();
        var result = new StaffOptionsValidation(Site, configuration).Validate(null, options);
        return result.Failed ? [.. result.Failures!] : [];
    }
}
