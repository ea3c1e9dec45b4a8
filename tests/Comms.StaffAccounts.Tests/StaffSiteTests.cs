namespace Comms.StaffAccounts.Tests;

public sealed class StaffSiteTests
{
    private static readonly StaffSite Root = new() { Name = "a", Title = "a", Accounts = "/account", Roles = new HashSet<string> { "viewer" } };
    private static readonly StaffSite Managers = new() { Name = "b", Title = "b", Accounts = "/manager", Path = "/manager", Home = "/manager", Roles = new HashSet<string> { "manager" } };

    [Theory]
    [InlineData("/templates/edit?key=a", "/templates/edit?key=a")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("templates", "/")]
    public void The_sign_in_page_returns_only_to_a_path_of_this_site(string? asked, string returned)
    {
        Assert.Equal(returned, Root.LocalUrl(asked));
    }

    [Theory]
    [InlineData("/manager", "/manager")]
    [InlineData("/manager?clinicId=a", "/manager?clinicId=a")]
    [InlineData("/manager/export.csv", "/manager/export.csv")]
    [InlineData("/managerial", "/manager")]
    [InlineData("/api/v1/feedback/stats", "/manager")]
    [InlineData("/manager/..\\x", "/manager")]
    public void A_site_under_a_path_returns_only_under_it(string asked, string returned)
    {
        Assert.Equal(returned, Managers.LocalUrl(asked));
    }

    [Fact]
    public void The_endpoints_and_the_providers_way_back_follow_the_sites_paths()
    {
        Assert.Equal(("/account/sign-in", "/account/sign-in/oidc", "/account/sign-out", "/signin-oidc"),
            (Root.SignInPath, Root.ProviderPath, Root.SignOutPath, Root.CallbackPath));
        Assert.Equal(("/manager/sign-in", "/manager/signin-oidc"), (Managers.SignInPath, Managers.CallbackPath));
    }
}
