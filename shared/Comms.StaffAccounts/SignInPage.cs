using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Comms.StaffAccounts;

/// <summary>
/// The one sign-in page of every staff site, rendered from <c>SignInPage.html</c> with the site's title: server-side,
/// no script, every value HTML-escaped. <c>{{name}}</c> is a value, <c>{{#name}}…{{/name}}</c> shown only when it has one.
/// </summary>
internal static partial class SignInPage
{
    public const string WrongPassword = "Неверное имя пользователя или пароль.";
    public const string StaleForm = "Форма устарела. Попробуйте ещё раз.";
    public const string Incomplete = "Введите имя пользователя и пароль.";

    private static readonly string Template = Load();

    public sealed record View(
        string Title, string Action, string TokenField, string Token, string ReturnUrl,
        string? UserName = null, string? Error = null, string? Provider = null, string? ProviderUrl = null);

    public static string Render(View view) => Fill(Template, new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["title"] = view.Title,
        ["action"] = view.Action,
        ["tokenField"] = view.TokenField,
        ["token"] = view.Token,
        ["returnUrl"] = view.ReturnUrl,
        ["userName"] = view.UserName,
        ["error"] = view.Error,
        ["provider"] = view.Provider,
        ["providerUrl"] = view.ProviderUrl,
    });

    /// <summary>A staff page's answer: not cached, not framed, no script, not indexed.</summary>
    public static IResult Result(HttpContext http, string html, int status) => HtmlPage.Result(http, html, status);

    /// <summary>"Слишком много…: попробуйте снова через 15 минут."</summary>
    public static string Refused(SignInRefusal refusal) => refusal.Locked
        ? $"Слишком много неверных попыток входа: вход временно заблокирован. Попробуйте снова через {Wait(refusal.RetryAfter)}."
        : $"Слишком много неверных попыток входа. Попробуйте снова через {Wait(refusal.RetryAfter)}.";

    /// <summary>The wrong-password message, with the wait it caused if any.</summary>
    public static string Wrong(TimeSpan nextWait, bool locks) =>
        nextWait <= TimeSpan.Zero ? WrongPassword
        : locks ? $"{WrongPassword} Вход временно заблокирован: попробуйте снова через {Wait(nextWait)}."
        : $"{WrongPassword} Следующая попытка — через {Wait(nextWait)}.";

    /// <summary>"1 секунду", "4 секунды", "15 минут", "2 часа": rounded up.</summary>
    internal static string Wait(TimeSpan wait)
    {
        if (wait <= TimeSpan.FromMinutes(1))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            return Count(seconds, "секунду", "секунды", "секунд");
        }

        if (wait <= TimeSpan.FromHours(1))
        {
            return Count((int)Math.Ceiling(wait.TotalMinutes), "минуту", "минуты", "минут");
        }

        return Count((int)Math.Ceiling(wait.TotalHours), "час", "часа", "часов");
    }

    internal static string Fill(string template, IReadOnlyDictionary<string, string?> values)
    {
        var shown = Section().Replace(template, m => string.IsNullOrEmpty(values.GetValueOrDefault(m.Groups[1].Value)) ? "" : m.Groups[2].Value);
        return Value().Replace(shown, m => values.TryGetValue(m.Groups[1].Value, out var value)
            ? WebUtility.HtmlEncode(value ?? "")
            : throw new InvalidOperationException($"The sign-in page names {{{{{m.Groups[1].Value}}}}}, which has no value."));
    }

    private static string Count(int n, string one, string few, string many)
    {
        var word = (n % 10, n % 100) switch
        {
            (1, not 11) => one,
            ( >= 2 and <= 4, not (>= 12 and <= 14)) => few,
            _ => many,
        };
        return n.ToString(CultureInfo.InvariantCulture) + " " + word;
    }

    private static string Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Comms.StaffAccounts.SignInPage.html")
            ?? throw new InvalidOperationException("SignInPage.html is not embedded in Comms.StaffAccounts.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{#(\w+)\}\}(.*?)\{\{/\1\}\}", RegexOptions.Singleline)]
    private static partial Regex Section();

    [GeneratedRegex(@"\{\{(\w+)\}\}")]
    private static partial Regex Value();
}
