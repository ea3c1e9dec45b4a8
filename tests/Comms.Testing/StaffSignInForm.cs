using System.Net;
using System.Text.RegularExpressions;

namespace Comms.Testing;

/// <summary>The staff sign-in page (Comms.StaffAccounts) as a browser uses it: open the form, post it with its token.</summary>
public static partial class StaffSignInForm
{
    /// <summary>
    /// Opens the sign-in page at <paramref name="path"/> (for its antiforgery token and cookie), then posts the form.
    /// The client must keep cookies.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string userName, string password, string? returnUrl = null)
    {
        var page = await client.GetStringAsync(path);
        var token = HiddenToken().Match(page);
        if (!token.Success)
        {
            throw new InvalidOperationException($"The sign-in page at {path} carries no antiforgery token.");
        }

        var fields = new Dictionary<string, string>
        {
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value),
            ["userName"] = userName,
            ["password"] = password,
        };
        if (returnUrl is not null)
        {
            fields["returnUrl"] = returnUrl;
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    /// <summary>The error the page shows, decoded; null for none.</summary>
    public static string? Error(string html) =>
        ErrorParagraph().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex HiddenToken();

    [GeneratedRegex("<p class=\"error\" role=\"alert\" id=\"error\">([^<]*)</p>")]
    private static partial Regex ErrorParagraph();
}
