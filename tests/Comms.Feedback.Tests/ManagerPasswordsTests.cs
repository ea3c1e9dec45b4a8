using System.Text.Json;
using Comms.Feedback.Features.Managers;
using Comms.Testing;

namespace Comms.Feedback.Tests;

public sealed class ManagerPasswordsTests
{
    [Fact]
    public void A_hash_accepts_its_password_only()
    {
        var hash = ManagerPasswords.Hash("correct horse", ManagerPasswords.MinimumIterations);

        Assert.StartsWith("pbkdf2-sha256$100000$", hash, StringComparison.Ordinal);
        Assert.Null(ManagerPasswords.Problem(hash));
        Assert.True(ManagerPasswords.Verify("correct horse", hash));
        Assert.False(ManagerPasswords.Verify("Correct horse", hash));
        Assert.False(ManagerPasswords.Verify("", hash));
    }

    [Fact]
    public void An_unknown_name_and_a_wrong_password_both_find_nobody()
    {
        var accounts = new[] { new ManagerAccount { Name = "Chief", PasswordHash = ManagerPasswords.Hash("pw-1", ManagerPasswords.MinimumIterations) } };

        Assert.Equal("Chief", ManagerPasswords.Find(accounts, " chief ", "pw-1")?.Name);
        Assert.Null(ManagerPasswords.Find(accounts, "chief", "pw-2"));
        Assert.Null(ManagerPasswords.Find(accounts, "nobody", "pw-1"));
    }

    [Fact]
    public void The_development_manager_signs_in_with_the_documented_password()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "services/Feedback/appsettings.Development.json")));
        var manager = settings.RootElement.GetProperty("Feedback").GetProperty("Managers")[0];

        Assert.Equal("manager", manager.GetProperty("Name").GetString());
        Assert.True(ManagerPasswords.Verify("manager-dev-password", manager.GetProperty("PasswordHash").GetString()!));
    }
}
