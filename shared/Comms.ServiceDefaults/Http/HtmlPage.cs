using Microsoft.AspNetCore.Http;

namespace Comms.ServiceDefaults.Http;

/// <summary>How every page a person opens is answered: not cached, not framed, no script, not indexed.</summary>
public static class HtmlPage
{
    /// <param name="referrer">The Referrer-Policy: <c>no-referrer</c> where the address carries a token.</param>
    /// <param name="imageSources">Where images may come from (<c>'self'</c> for a page's own charts); none by default.</param>
    public static IResult Result(HttpContext http, string html, int status, string referrer = "same-origin", string? imageSources = null)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = referrer;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; " +
            (imageSources is null ? "" : $"img-src {imageSources}; ") +
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["X-Robots-Tag"] = "noindex";
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
