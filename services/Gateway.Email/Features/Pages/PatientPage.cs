namespace Comms.Gateway.Email.Features.Pages;

/// <summary>
/// The pages a patient reaches by an email's links (unsubscribe, answering a confirmation request): one plain Russian
/// layout that works without JavaScript. Callers HTML-escape every value that came from outside.
/// </summary>
public static class PatientPage
{
    public const string ContentType = "text/html; charset=utf-8";

    public static string Render(string title, string body) => $$"""
        <!doctype html>
        <html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
        button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:1px solid #555;background:#fff;cursor:pointer}
        .muted{color:#555}</style>
        </head><body><h1>{{title}}</h1>{{body}}</body></html>
        """;

    /// <summary>A browser asks for HTML; an API client (or a mail client posting one-click) gets problem details.</summary>
    public static bool WantsHtml(HttpRequest request) =>
        request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
}
