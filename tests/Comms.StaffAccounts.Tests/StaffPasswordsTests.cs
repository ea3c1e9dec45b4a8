namespace Comms.StaffAccounts.Tests;

public sealed class StaffPasswordsTests
{
    [Fact]
    public void A_hash_accepts_its_password_only()
    {
        var hash = StaffPasswords.Hash("correct horse", StaffPasswords.MinimumIterations);

        Assert.StartsWith("pbkdf2-sha256$100000$", hash, StringComparison.Ordinal);
        Assert.Null(StaffPasswords.Problem(hash));
        Assert.True(StaffPasswords.Verify("correct horse", hash));
        Assert.False(StaffPasswords.Verify("Correct horse", hash));
        Assert.False(StaffPasswords.Verify("", hash));
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_by_their_salt()
    {
        var first = StaffPasswords.Hash("same", StaffPasswords.MinimumIterations);
        var second = StaffPasswords.Hash("same", StaffPasswords.MinimumIterations);

        Assert.NotEqual(first, second);
        Assert.True(StaffPasswords.Verify("same", second));
    }

    [Fact]
    public void The_default_is_six_hundred_thousand_iterations()
    {
        Assert.StartsWith("pbkdf2-sha256$600000$", StaffPasswords.Hash("x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("marketer-dev-password")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$600000$not base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha1$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Anything_but_a_strong_hash_is_refused_and_the_message_says_how_to_make_one(string configured)
    {
        var problem = StaffPasswords.Problem(configured);

        Assert.NotNull(problem);
        Assert.Contains("dotnet run --project tools/Comms.StaffPassword", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(configured, problem, StringComparison.Ordinal);
        Assert.False(StaffPasswords.Verify(configured, configured));
    }

    [Fact]
    public void An_unknown_name_and_a_wrong_password_both_find_nobody_and_names_match_in_any_case()
    {
        var accounts = new[] { new StaffAccount { Name = "Chief", PasswordHash = StaffPasswords.Hash("pw-1", StaffPasswords.MinimumIterations) } };

        Assert.Equal("Chief", StaffPasswords.Find(accounts, " chief ", "pw-1")?.Name);
        Assert.Null(StaffPasswords.Find(accounts, "chief", "pw-2"));
        Assert.Null(StaffPasswords.Find(accounts, "nobody", "pw-1"));
        Assert.Null(StaffPasswords.Find([], "chief", "pw-1"));
    }
}
