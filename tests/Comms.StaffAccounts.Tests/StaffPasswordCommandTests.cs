using System.Diagnostics;
using Comms.Testing;

namespace Comms.StaffAccounts.Tests;

/// <summary><c>tools/Comms.StaffPassword</c> as an operator runs it, the password piped in.</summary>
public sealed class StaffPasswordCommandTests
{
    [Fact]
    public async Task The_password_on_standard_input_becomes_the_one_line_to_put_in_the_settings()
    {
        var (code, output, _) = await RunAsync([], "Лето-2026 пароль\n");

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, code);
        Assert.Null(StaffPasswords.Problem(line));
        Assert.StartsWith("pbkdf2-sha256$600000$", line, StringComparison.Ordinal);
        Assert.True(StaffPasswords.Verify("Лето-2026 пароль", line));
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_refused_and_nothing_is_printed()
    {
        var (code, output, error) = await RunAsync(["secret-password"], "");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("standard input", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_password_prints_nothing()
    {
        var (code, output, _) = await RunAsync([], "\n");

        Assert.Equal(1, code);
        Assert.Empty(output);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] arguments, string input)
    {
        var tool = Path.Combine(Repository.Root, "tools", "Comms.StaffPassword", "bin", Repository.Configuration, "net10.0", "Comms.StaffPassword.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
