using System.Net;
using Comms.StaffAccounts;
using Comms.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Templating.Tests;

public sealed class TemplatingApp() : ServiceApp<Program>("tpl")
{
    public const string ComposeQueue = "templating-compose-message";
    public const string SignInPath = "/account/sign-in";
    public const string Marketer = "marketer";
    public const string Viewer = "viewer";
    public const string MarketerPassword = "marketer-test-password";
    public const string ViewerPassword = "viewer-test-password";

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowserClient() => CreateBrowserClient(Factory);

    /// <summary>A client signed in through the sign-in form, as the UI does.</summary>
    public Task<HttpClient> SignInAsync(string userName = Marketer) => SignInAsync(Factory, userName);

    /// <summary>The same against a variant of the service (other settings).</summary>
    public static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> factory, string userName = Marketer)
    {
        var client = CreateBrowserClient(factory);
        using var response = await PostSignInAsync(client, userName, userName == Marketer ? MarketerPassword : ViewerPassword);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
        {
            throw new InvalidOperationException($"Signing in as {userName} failed: {(int)response.StatusCode} → {response.Headers.Location}");
        }

        return client;
    }

    /// <summary>Opens the sign-in page and posts its form.</summary>
    public static Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password, string? returnUrl = null) =>
        StaffSignInForm.PostAsync(client, SignInPath, userName, password, returnUrl);

    public static HttpClient CreateBrowserClient(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Staff:Accounts:0:Name"] = Marketer;
        settings["Staff:Accounts:0:PasswordHash"] = StaffPasswords.Hash(MarketerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:0:DisplayName"] = "Маркетолог";
        settings["Staff:Accounts:0:Roles:0"] = StaffRoles.Marketer;
        settings["Staff:Accounts:1:Name"] = Viewer;
        settings["Staff:Accounts:1:PasswordHash"] = StaffPasswords.Hash(ViewerPassword, StaffPasswords.MinimumIterations);
        settings["Staff:Accounts:1:Roles:0"] = StaffRoles.Viewer;
        return ValueTask.CompletedTask;
    }
}
