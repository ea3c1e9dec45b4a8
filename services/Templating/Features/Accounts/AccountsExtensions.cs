using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Comms.Templating.Features.Accounts;

public static class AccountsExtensions
{
    public const string Scheme = "Comms.Templating";

    /// <summary>Required by every writing endpoint: edit, publish, roll back.</summary>
    public const string MarketerPolicy = "TemplatingMarketer";

    public const string DisplayNameClaim = "display_name";

    /// <summary>The OpenID Connect scheme, registered only when <c>Templating:Oidc:Authority</c> is set.</summary>
    public const string OidcScheme = "oidc";

    /// <summary>
    /// Cookie sign-in with the local accounts of <c>Templating:Accounts</c> (validated at start). API calls without the
    /// cookie get 401 problem details and a viewer's writes 403, never a redirect; pages redirect to the sign-in page.
    /// </summary>
    public static IHostApplicationBuilder AddTemplatingSignIn(this IHostApplicationBuilder builder)
    {
        // Cookies are protected with keys kept in the service's database, so every replica (and a restarted one) reads
        // the cookies any of them issued.
        builder.Services.AddDataProtection().SetApplicationName("Comms.Templating");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new DatabaseKeyRing(services.GetRequiredService<IServiceScopeFactory>())));
        builder.Services.AddOptions<TemplatingAccountsOptions>()
            .BindConfiguration(TemplatingAccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var authentication = builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = Scheme;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/sign-in";
            options.LogoutPath = "/account/sign-out";
            options.AccessDeniedPath = "/sign-in";
            options.ReturnUrlParameter = "returnUrl";
            options.Events.OnRedirectToLogin = context => IsApi(context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required",
                    "Sign in at /sign-in (POST /account/sign-in) and send the cookie with the request.")
                : RedirectAsync(context);
            options.Events.OnRedirectToAccessDenied = context => IsApi(context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed for your role",
                    $"Only the '{TemplatingRoles.Marketer}' role may change templates.")
                : RedirectAsync(context);
        });
        var oidc = builder.Configuration.GetSection(TemplatingOidcOptions.Section).Get<TemplatingOidcOptions>() ?? new();
        builder.Services.AddOptions<TemplatingOidcOptions>()
            .BindConfiguration(TemplatingOidcOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.SignInScheme = Scheme;
                options.Authority = oidc.Authority;
                options.RequireHttpsMetadata = oidc.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                options.ClientId = oidc.ClientId;
                options.ClientSecret = oidc.ClientSecret;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = false;
                options.Scope.Add("profile");
                options.Events.OnTokenValidated = context =>
                {
                    context.Principal = FromProvider(context.Principal!, oidc);
                    return Task.CompletedTask;
                };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(MarketerPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(TemplatingRoles.Marketer));
        return builder;
    }

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", SignInPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/account/sign-in", SignInAsync).AllowAnonymous().WithTags("Accounts");
        app.MapGet("/account/sign-in/options", (IOptions<TemplatingOidcOptions> oidc) =>
            TypedResults.Ok(new SignInOptions(oidc.Value.Enabled ? oidc.Value.DisplayName : null))).AllowAnonymous().WithTags("Accounts");
        app.MapGet("/account/sign-in/oidc", SignInWithProvider).AllowAnonymous().WithTags("Accounts");
        app.MapPost("/account/sign-out", (Func<HttpContext, Task<RedirectHttpResult>>)SignOutAsync).AllowAnonymous().WithTags("Accounts");
        app.MapGet("/api/v1/me", Me).RequireAuthorization().WithTags("Accounts").WithName("Me");
        return app;
    }

    /// <summary>The user name of the signed-in user, recorded as the author of what they change.</summary>
    public static string UserName(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The endpoint requires a signed-in user.");

    private static IResult SignInPage(IWebHostEnvironment environment)
    {
        var page = environment.WebRootFileProvider.GetFileInfo("sign-in.html");
        return page.Exists
            ? TypedResults.Stream(page.CreateReadStream(), "text/html; charset=utf-8")
            : TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The sign-in page is missing from wwwroot");
    }

    private static async Task<RedirectHttpResult> SignInAsync(HttpContext context, IOptionsMonitor<TemplatingAccountsOptions> options)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnUrl = LocalUrl(form["returnUrl"].ToString());
        var account = AccountPasswords.Find(options.CurrentValue.Accounts, form["userName"].ToString(), form["password"].ToString());
        if (account is null)
        {
            var query = returnUrl == "/" ? "" : $"&returnUrl={Uri.EscapeDataString(returnUrl)}";
            return TypedResults.Redirect($"/sign-in?error=1{query}");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, account.UserName),
                new Claim(ClaimTypes.Role, account.Role),
                new Claim(DisplayNameClaim, string.IsNullOrWhiteSpace(account.DisplayName) ? account.UserName : account.DisplayName),
            ],
            Scheme);
        await context.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return TypedResults.Redirect(returnUrl);
    }

    /// <summary>Sends the browser to the identity provider; it comes back to /signin-oidc and then to <paramref name="returnUrl"/>.</summary>
    private static IResult SignInWithProvider(string? returnUrl, IOptions<TemplatingOidcOptions> oidc) =>
        oidc.Value.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = LocalUrl(returnUrl) }, [OidcScheme])
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No identity provider is configured",
                detail: "Set Templating:Oidc:Authority and ClientId to sign in through the clinic chain's provider; local accounts work meanwhile.");

    /// <summary>The provider's user as this service's: a name, a display name and the role its groups give.</summary>
    private static ClaimsPrincipal FromProvider(ClaimsPrincipal external, TemplatingOidcOptions oidc)
    {
        var name = external.FindFirstValue("preferred_username") ?? external.FindFirstValue("email") ?? external.FindFirstValue(ClaimTypes.Email)
            ?? external.FindFirstValue("sub") ?? external.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
        var isMarketer = external.FindAll(oidc.RoleClaim).Any(c => oidc.MarketerValues.Contains(c.Value, StringComparer.Ordinal));
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, name),
                new Claim(ClaimTypes.Role, isMarketer ? TemplatingRoles.Marketer : TemplatingRoles.Viewer),
                new Claim(DisplayNameClaim, external.FindFirstValue("name") ?? name),
            ],
            Scheme);
        return new ClaimsPrincipal(identity);
    }

    private static async Task<RedirectHttpResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(Scheme);
        return TypedResults.Redirect("/sign-in");
    }

    private static Ok<Me> Me(ClaimsPrincipal user) => TypedResults.Ok(new Me(
        user.UserName(),
        user.FindFirstValue(DisplayNameClaim) ?? user.UserName(),
        user.FindFirstValue(ClaimTypes.Role) ?? ""));

    /// <summary>Only a path on this site: "/templates/x" yes; "//evil.example", "https://…", "/\evil" no.</summary>
    private static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}

public sealed record Me(string UserName, string DisplayName, string Role);

/// <param name="Provider">The identity provider's button text, or null when only local accounts sign in.</param>
public sealed record SignInOptions(string? Provider);
