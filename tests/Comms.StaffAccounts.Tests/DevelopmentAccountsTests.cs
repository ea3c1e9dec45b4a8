using System.Text.Json;
using Comms.Testing;

namespace Comms.StaffAccounts.Tests;

/// <summary>The development accounts of README, kept as hashes only.</summary>
public sealed class DevelopmentAccountsTests
{
    [Theory]
    [InlineData("services/Templating/appsettings.Development.json", "marketer", "marketer-dev-password", "marketer")]
    [InlineData("services/Templating/appsettings.Development.json", "viewer", "viewer-dev-password", "viewer")]
    [InlineData("services/Feedback/appsettings.Development.json", "manager", "manager-dev-password", "manager")]
    public void A_development_account_signs_in_with_the_documented_password(string file, string name, string password, string role)
    {
        var account = Accounts(file).Single(a => a.GetProperty("Name").GetString() == name);

        Assert.True(StaffPasswords.Verify(password, account.GetProperty("PasswordHash").GetString()!));
        Assert.Contains(role, account.GetProperty("Roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void No_settings_file_of_the_repository_holds_a_staff_password_as_such()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repository.Root, "services"), "appsettings*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var settings = JsonDocument.Parse(File.ReadAllText(file));
            if (settings.RootElement.TryGetProperty("Staff", out var staff) && staff.TryGetProperty("Accounts", out var accounts))
            {
                foreach (var account in accounts.EnumerateArray())
                {
                    Assert.False(account.TryGetProperty("Password", out _), $"{file}: a Password");
                    Assert.Null(StaffPasswords.Problem(account.GetProperty("PasswordHash").GetString()));
                }
            }

            foreach (var service in new[] { "Templating", "Feedback" })
            {
                if (settings.RootElement.TryGetProperty(service, out var section))
                {
                    Assert.False(section.TryGetProperty("Accounts", out _) || section.TryGetProperty("Managers", out _), $"{file}: the old accounts section");
                }
            }
        }
    }

    private static List<JsonElement> Accounts(string file)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, file)));
        return [.. settings.RootElement.GetProperty("Staff").GetProperty("Accounts").EnumerateArray().Select(a => a.Clone())];
    }
}
