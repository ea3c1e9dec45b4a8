using System.Security.Claims;
using Comms.Feedback.Features.Dashboard;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Comms.Feedback.Features.Managers;

/// <summary>
/// Cookie sign-in for the managers' page with the accounts of <c>Feedback:Managers</c> (validated at start). The
/// cookie carries only the name: the clinics a manager sees are read from the settings at every request.
/// </summary>
public static class ManagerSignIn
{
    public const string Scheme = "Comms.Feedback.Managers";
    public const string Policy = "FeedbackManager";
    public const string SignInPath = "/manager/sign-in";
    public const string SignOutPath = "/manager/sign-out";

    public static IHostApplicationBuilder AddManagerSignIn(this IHostApplicationBuilder builder)
    {
        // Cookies are protected with keys kept in the service's database, so every replica (and a restarted one) reads
        // the cookies any of them issued.
        builder.Services.AddDataProtection().SetApplicationName("Comms.Feedback");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new DatabaseKeyRing(services.GetRequiredService<IServiceScopeFactory>())));
        builder.Services.AddOptions<ManagerAccountsOptions>()
            .BindConfiguration(ManagerAccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = Scheme;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.Path = "/manager";
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = SignInPath;
            options.LogoutPath = SignOutPath;
            options.AccessDeniedPath = SignInPath;
            options.ReturnUrlParameter = "returnUrl";
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return builder;
    }

    public static IEndpointRouteBuilder MapManagerSignIn(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(SignInPath, Show).AllowAnonymous().ExcludeFromDescription();
        routes.MapPost(SignInPath, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(SignOutPath, SignOutAsync).DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    /// <summary>The signed-in manager as the settings describe them now; null once the account is gone.</summary>
    public static ManagerAccount? Manager(this HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true
            ? http.RequestServices.GetRequiredService<IOptionsMonitor<ManagerAccountsOptions>>().CurrentValue.Named(http.User.Identity.Name)
            : null;

    private static IResult Show(HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
        ManagerHtml.Page(http, SignInPage(http, antiforgery, LocalUrl(returnUrl), name: null, error: null), StatusCodes.Status200OK);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, IOptionsMonitor<ManagerAccountsOptions> options)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return ManagerHtml.Page(http, SignInPage(http, antiforgery, "/manager", null, "Форма устарела. Попробуйте ещё раз."), StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var name = form["name"].ToString();
        var returnUrl = LocalUrl(form["returnUrl"].ToString());
        var account = ManagerPasswords.Find(options.CurrentValue.Managers, name, form["password"].ToString());
        if (account is null)
        {
            return ManagerHtml.Page(http, SignInPage(http, antiforgery, returnUrl, name, "Неверное имя или пароль."), StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, account.Name)], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return TypedResults.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return ManagerHtml.Page(http, SignInPage(http, antiforgery, "/manager", null, "Форма устарела. Попробуйте ещё раз."), StatusCodes.Status400BadRequest);
        }

        await http.SignOutAsync(Scheme);
        return TypedResults.Redirect(SignInPath);
    }

    private static string SignInPage(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? name, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = new System.Text.StringBuilder("<h1>Вход для руководителей</h1>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\" id=\"error\">").Append(ManagerHtml.E(error)).Append("</p>");
        }

        body.Append("<form method=\"post\" action=\"").Append(SignInPath).Append("\" class=\"stack\">")
            .Append(ManagerHtml.Antiforgery(tokens))
            .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(ManagerHtml.E(returnUrl)).Append("\">")
            .Append("<label for=\"name\">Имя</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required value=\"").Append(ManagerHtml.E(name ?? "")).Append("\">")
            .Append("<label for=\"password\">Пароль</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">Войти</button></form>");
        return ManagerHtml.Layout("Вход — отзывы пациентов", body.ToString());
    }

    /// <summary>Only a path under the managers' page: "/manager?x" yes; "//evil.example", "https://…" no.</summary>
    private static string LocalUrl(string? url) =>
        url is not null && (url == "/manager" || url.StartsWith("/manager?", StringComparison.Ordinal) || url.StartsWith("/manager/", StringComparison.Ordinal))
            && !url.Contains('\\', StringComparison.Ordinal) ? url : "/manager";
}
