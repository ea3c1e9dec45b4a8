using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comms.StaffAccounts;

/// <summary>
/// Staff sign-in, the same on every staff page: local accounts with hashed passwords (<c>Staff:Accounts</c>), the
/// chain's identity provider (<c>Staff:Oidc</c>), guessing slowed then locked out (<c>Staff:Lockout</c>), a cookie
/// protected by keys in the service's database. The default authorization policy is "signed in with one of the site's
/// roles".
/// </summary>
public static class StaffSignIn
{
    public const string OidcScheme = "oidc";

    public static IHostApplicationBuilder AddStaffSignIn<TDbContext>(this IHostApplicationBuilder builder, StaffSite site)
        where TDbContext : DbContext, IStaffSignInStore
    {
        var services = builder.Services;
        services.AddSingleton(site);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new StaffStore(provider => provider.GetRequiredService<TDbContext>()));
        services.AddSingleton<SignInGuard>();

        services.AddSingleton(provider => new StaffOptionsValidation(site, provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IValidateOptions<StaffOptions>>(provider => provider.GetRequiredService<StaffOptionsValidation>());
        services.AddSingleton<IValidateOptions<StaffOidcOptions>>(provider => provider.GetRequiredService<StaffOptionsValidation>());
        services.AddSingleton<IValidateOptions<StaffLockoutOptions>>(provider => provider.GetRequiredService<StaffOptionsValidation>());
        services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section).ValidateOnStart();
        services.AddOptions<StaffOidcOptions>().BindConfiguration(StaffOidcOptions.Section).ValidateOnStart();
        services.AddOptions<StaffLockoutOptions>().BindConfiguration(StaffLockoutOptions.Section).ValidateOnStart();

        // Cookies are protected with keys kept in the service's database, so every replica (and a restarted one) reads
        // the cookies any of them issued.
        services.AddDataProtection().SetApplicationName(site.Name);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider =>
            new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new DatabaseKeyRing<TDbContext>(provider.GetRequiredService<IServiceScopeFactory>())));
        services.AddAntiforgery(options => options.Cookie.SameSite = SameSiteMode.Strict);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<StaffOptions>>((forwarded, staff) => TrustProxies(forwarded, staff.Value));

        var authentication = services.AddAuthentication(site.Cookie).AddCookie(site.Cookie, options =>
        {
            options.Cookie.Name = site.Cookie;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.Path = site.Path;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = site.SignInPath;
            options.LogoutPath = site.SignOutPath;
            options.AccessDeniedPath = site.SignInPath;
            options.ReturnUrlParameter = "returnUrl";
            options.Events.OnRedirectToLogin = context => IsApi(site, context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Sign-in required",
                    $"Sign in at {site.SignInPath} and send the cookie with the request.")
                : RedirectAsync(context);
            options.Events.OnRedirectToAccessDenied = context => IsApi(site, context.Request)
                ? WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Not allowed for your role",
                    $"Your roles ({string.Join(", ", context.HttpContext.User.Staff()?.Roles ?? new HashSet<string>())}) do not allow this request.")
                : RedirectAsync(context);
            options.Events.OnValidatePrincipal = context => Refresh(context, site);
        });

        var oidc = builder.Configuration.GetSection(StaffOidcOptions.Section).Get<StaffOidcOptions>() ?? new();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.SignInScheme = site.Cookie;
                options.Authority = oidc.Authority;
                options.RequireHttpsMetadata = oidc.Authority!.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                options.ClientId = oidc.ClientId;
                options.ClientSecret = oidc.ClientSecret;
                options.CallbackPath = site.CallbackPath;
                options.ResponseType = "code";
                options.UsePkce = true;
                options.SaveTokens = false;
                // The claims as the provider names them: "roles", not Microsoft's long role URI.
                options.MapInboundClaims = false;
                options.Events.OnTokenValidated = context =>
                {
                    var current = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<StaffOidcOptions>>().CurrentValue;
                    if (StaffClaims.OfProvider(context.Principal!, current, site) is { } principal)
                    {
                        context.Principal = principal;
                    }
                    else
                    {
                        context.Fail("The provider's user has no role on this site.");
                    }

                    return Task.CompletedTask;
                };
                options.Events.OnRemoteFailure = context =>
                {
                    context.Response.Redirect($"{site.SignInPath}?error=provider");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }

        services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder(site.Cookie)
            .RequireAuthenticatedUser().RequireRole(site.Roles).Build());
        return builder;
    }

    /// <summary>The client's address from the trusted proxies (when any), then authentication and authorization.</summary>
    public static WebApplication UseStaffSignIn(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<StaffOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary><c>GET/POST {Accounts}/sign-in</c>, <c>GET {Accounts}/sign-in/oidc</c>, <c>POST {Accounts}/sign-out</c>.</summary>
    public static IEndpointRouteBuilder MapStaffSignIn(this IEndpointRouteBuilder routes)
    {
        var site = routes.ServiceProvider.GetRequiredService<StaffSite>();
        routes.MapGet(site.SignInPath, Show).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost(site.SignInPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        routes.MapGet(site.ProviderPath, SignInWithProvider).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost(site.SignOutPath, SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    private static IResult Show(HttpContext http, StaffSite site, IAntiforgery antiforgery, IOptionsMonitor<StaffOidcOptions> oidc, string? returnUrl, string? error)
    {
        var message = error == "provider"
            ? $"Войти через «{oidc.CurrentValue.DisplayName}» не удалось: вход прерван или этой учётной записи не дан доступ сюда."
            : null;
        return Page(http, site, antiforgery, oidc.CurrentValue, site.LocalUrl(returnUrl), null, message, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http, StaffSite site, IAntiforgery antiforgery, SignInGuard guard,
        IOptionsMonitor<StaffOptions> staff, IOptionsMonitor<StaffOidcOptions> oidc)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, site, antiforgery, oidc.CurrentValue, site.Home, null, SignInPage.StaleForm, StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (name, password, returnUrl) = (form["userName"].ToString(), form["password"].ToString(), site.LocalUrl(form["returnUrl"].ToString()));
        if (string.IsNullOrWhiteSpace(name) || password.Length == 0)
        {
            return Page(http, site, antiforgery, oidc.CurrentValue, returnUrl, name, SignInPage.Incomplete, StatusCodes.Status400BadRequest);
        }

        var (attempt, refusal) = await guard.BeginAsync(name, ClientAddress.KeyOf(http.Connection.RemoteIpAddress), http.RequestAborted);
        if (refusal is not null)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(refusal.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Page(http, site, antiforgery, oidc.CurrentValue, returnUrl, name, SignInPage.Refused(refusal), StatusCodes.Status429TooManyRequests);
        }

        var admitted = staff.CurrentValue.Accounts.Where(a => a.Roles.Any(site.Roles.Contains)).ToList();
        if (StaffPasswords.Find(admitted, name, password) is not { } account)
        {
            guard.Failed(attempt!);
            return Page(http, site, antiforgery, oidc.CurrentValue, returnUrl, name, SignInPage.Wrong(attempt!.NextWait, attempt.Locks), StatusCodes.Status401Unauthorized);
        }

        await guard.SucceededAsync(attempt!, http.RequestAborted);
        await http.SignInAsync(site.Cookie, StaffClaims.Of(account, site));
        return TypedResults.Redirect(returnUrl);
    }

    /// <summary>Sends the browser to the identity provider; it comes back to <see cref="StaffSite.CallbackPath"/>, then to <paramref name="returnUrl"/>.</summary>
    private static IResult SignInWithProvider(StaffSite site, string? returnUrl, IOptions<StaffOidcOptions> oidc) =>
        oidc.Value.Enabled
            ? TypedResults.Challenge(new AuthenticationProperties { RedirectUri = site.LocalUrl(returnUrl) }, [OidcScheme])
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No identity provider is configured",
                detail: $"Set {StaffOidcOptions.Section}:Authority and ClientId to sign in through the clinic chain's provider; local accounts work meanwhile.");

    /// <summary>
    /// Ends the session. No antiforgery token (the service's static pages post here too): the cookie is SameSite=Strict,
    /// so another site's form carries no session, and a browser's cross-site post is refused outright.
    /// </summary>
    private static async Task<IResult> SignOutAsync(HttpContext http, StaffSite site)
    {
        if (http.Request.Headers["Sec-Fetch-Site"] == "cross-site")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign-out from another site",
                detail: "Sign out with the button on this site's pages.");
        }

        await http.SignOutAsync(site.Cookie);
        return TypedResults.Redirect(site.SignInPath);
    }

    private static IResult Page(HttpContext http, StaffSite site, IAntiforgery antiforgery, StaffOidcOptions oidc, string returnUrl, string? name, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var html = SignInPage.Render(new SignInPage.View(
            site.Title, site.SignInPath, tokens.FormFieldName, tokens.RequestToken ?? "", returnUrl, name, error,
            oidc.Enabled ? oidc.DisplayName : null,
            oidc.Enabled ? $"{site.ProviderPath}?returnUrl={Uri.EscapeDataString(returnUrl)}" : null));
        return SignInPage.Result(http, html, status);
    }

    /// <summary>
    /// At every request: a local account is read from the settings as they are now, so a change of roles or clinics
    /// applies at once, and an account removed, or whose password changed, is signed out.
    /// </summary>
    private static async Task Refresh(CookieValidatePrincipalContext context, StaffSite site)
    {
        var principal = context.Principal!;
        var source = principal.FindFirstValue(StaffClaims.Source);
        if (source == StaffClaims.Provider)
        {
            return;
        }

        var account = source == StaffClaims.Local
            ? context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<StaffOptions>>().CurrentValue.Named(principal.Identity?.Name)
            : null;
        if (account is null || !account.Roles.Any(site.Roles.Contains)
            || principal.FindFirstValue(StaffClaims.Stamp) != StaffPasswords.Stamp(account.PasswordHash))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(site.Cookie);
            return;
        }

        var fresh = StaffClaims.Of(account, site);
        if (!SameClaims(principal, fresh))
        {
            context.ReplacePrincipal(fresh);
            context.ShouldRenew = true;
        }
    }

    private static bool SameClaims(ClaimsPrincipal a, ClaimsPrincipal b) =>
        a.Claims.Select(c => (c.Type, c.Value)).Order().SequenceEqual(b.Claims.Select(c => (c.Type, c.Value)).Order());

    private static void TrustProxies(ForwardedHeadersOptions forwarded, StaffOptions staff)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = null;
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var network in staff.TrustedProxies.Select(ClientAddress.Network).OfType<System.Net.IPNetwork>())
        {
            forwarded.KnownIPNetworks.Add(network);
        }
    }

    private static bool IsApi(StaffSite site, HttpRequest request) =>
        site.ApiPath is { } api && request.Path.StartsWithSegments(api, StringComparison.OrdinalIgnoreCase);

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
