namespace Comms.StaffAccounts;

/// <summary>A service's staff pages, as the service declares them in code: where they are and which roles they know.</summary>
public sealed class StaffSite
{
    /// <summary>Names the data-protection keys and the cookie: <c>Comms.Templating</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The pages' title, in Russian, shown on the sign-in page: "Шаблоны сообщений".</summary>
    public required string Title { get; init; }

    /// <summary>The sign-in cookie's name; the service's name unless given.</summary>
    public string? CookieName { get; init; }

    /// <summary>
    /// Where the staff pages are: the cookie's path, the only place the sign-in page returns to, and the prefix of the
    /// provider's way back (<c>{Path}/signin-oidc</c>). <c>/</c> for a service whose root is its staff page.
    /// </summary>
    public string Path { get; init; } = "/";

    /// <summary>The prefix of the sign-in endpoints: <c>{Accounts}/sign-in</c>, <c>…/sign-in/oidc</c>, <c>…/sign-out</c>.</summary>
    public required string Accounts { get; init; }

    /// <summary>Where a signed-in person lands when no return address was given.</summary>
    public string Home { get; init; } = "/";

    /// <summary>Requests under this path get 401/403 problem details instead of a redirect to the sign-in page.</summary>
    public string? ApiPath { get; init; }

    /// <summary>The roles this service admits (<see cref="StaffRoles"/>): an account without any of them does not sign in.</summary>
    public required IReadOnlySet<string> Roles { get; init; }

    /// <summary>Roles everyone the identity provider signs in gets here, beside those its claims give.</summary>
    public IReadOnlySet<string> ProviderRoles { get; init; } = new HashSet<string>();

    /// <summary>Settings of an earlier release, refused at start with a pointer to <c>Staff</c>: <c>Templating:Accounts</c>.</summary>
    public IReadOnlyList<string> ObsoleteSections { get; init; } = [];

    public string Cookie => CookieName ?? Name;

    public string SignInPath => Accounts + "/sign-in";

    public string ProviderPath => Accounts + "/sign-in/oidc";

    public string SignOutPath => Accounts + "/sign-out";

    public string CallbackPath => Path.TrimEnd('/') + "/signin-oidc";

    /// <summary>Only a path under <see cref="Path"/> on this site: "/templates/x" yes; "//evil.example", "https://…", "/\evil" no.</summary>
    public string LocalUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
            || url.Contains('\\', StringComparison.Ordinal))
        {
            return Home;
        }

        var under = Path.TrimEnd('/');
        return under.Length == 0 || url == under || url.StartsWith(under + "/", StringComparison.Ordinal)
            || url.StartsWith(under + "?", StringComparison.Ordinal) ? url : Home;
    }
}
