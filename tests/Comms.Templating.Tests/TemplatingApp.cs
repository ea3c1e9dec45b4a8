using System.Net;
using Comms.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comms.Templating.Tests;

public sealed class TemplatingApp() : ServiceApp<Program>("tpl")
{
    public const string ComposeQueue = "templating-compose-message";
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
        using var response = await client.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = userName,
            ["password"] = userName == Marketer ? MarketerPassword : ViewerPassword,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
        {
            throw new InvalidOperationException($"Signing in as {userName} failed: {(int)response.StatusCode} → {response.Headers.Location}");
        }

        return client;
    }

    private static HttpClient CreateBrowserClient(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });

    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Templating:Accounts:0:UserName"] = Marketer;
        settings["Templating:Accounts:0:Password"] = MarketerPassword;
        settings["Templating:Accounts:0:DisplayName"] = "Маркетолог";
        settings["Templating:Accounts:0:Role"] = "marketer";
        settings["Templating:Accounts:1:UserName"] = Viewer;
        settings["Templating:Accounts:1:Password"] = ViewerPassword;
        settings["Templating:Accounts:1:Role"] = "viewer";
        return ValueTask.CompletedTask;
    }
}
