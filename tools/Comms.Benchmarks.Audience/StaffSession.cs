using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Comms.Benchmarks.Audience;

/// <summary>A staff account for a benchmark run and its signed-in client (shared with the Inbox's benchmark).</summary>
public static partial class StaffSession
{
    /// <summary>A random password and its hash as <c>Staff:Accounts:N:PasswordHash</c> takes it.</summary>
    public static (string Password, string Hash) Credentials()
    {
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var salt = RandomNumberGenerator.GetBytes(16);
        const int iterations = 100_000;
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return (password, $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Signs in through the staff sign-in page as a browser does: its antiforgery token, then the form.</summary>
    public static async Task<HttpClient> SignInAsync(Uri baseAddress, string signInPath, string name, string password, CancellationToken cancellationToken)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(10),
        };
        var page = await http.GetStringAsync(signInPath, cancellationToken);
        var token = HiddenToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException("the sign-in page carries no antiforgery token");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value),
            ["userName"] = name,
            ["password"] = password,
        });
        using var answer = await http.PostAsync(signInPath, form, cancellationToken);
        if (answer.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"signing in as {name} answered {(int)answer.StatusCode}");
        }

        return http;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex HiddenToken();
}
