using System.Net;
using Comms.ServiceDefaults.Http;

namespace Comms.Feedback.Features.Dashboard;

/// <summary>The managers' pages' frame: server-rendered, readable on a phone, no script at all.</summary>
public static class ManagerHtml
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Layout(string title, string body) =>
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{E(title)}</title><style>{Style}</style></head><body><main>{body}</main></body></html>";

    public static IResult Page(HttpContext http, string html, int status) => HtmlPage.Result(http, html, status, imageSources: "'self'");

    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2329;line-height:1.4}" +
        "main{max-width:960px;margin:0 auto;padding:16px}h1{font-size:1.4rem;margin:.2em 0 .6em}h2{font-size:1.1rem;margin:1.2em 0 .4em}" +
        ".stack{display:flex;flex-direction:column;gap:6px;max-width:360px}input,select,button{font:inherit;padding:8px;border:1px solid #b8c0c8;border-radius:6px;background:#fff}" +
        "button,.button{background:#1f6feb;color:#fff;border:0;cursor:pointer;text-decoration:none;padding:8px 14px;border-radius:6px;display:inline-block}" +
        ".error{color:#b3261e;background:#fdecea;padding:8px;border-radius:6px}.muted{color:#5b6670}" +
        ".filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}.filters label{display:flex;flex-direction:column;font-size:.85rem;gap:2px;min-width:0;max-width:100%}" +
        ".filters select{max-width:100%;text-overflow:ellipsis}" +
        ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin:12px 0}" +
        ".card{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0002}.card b{display:block;font-size:1.6rem}" +
        ".panel{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0002;margin:8px 0}svg{width:100%;height:auto}" +
        ".review{border-top:1px solid #e3e6ea;padding:8px 0}.review p{margin:.3em 0;white-space:pre-wrap;overflow-wrap:anywhere}" +
        ".doctor{display:grid;grid-template-columns:minmax(0,2fr) 3fr auto;gap:8px;align-items:center;margin:4px 0}" +
        ".track{background:#eef0f3;border-radius:4px;height:14px}.bar{display:block;height:14px;border-radius:4px}" +
        "header{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}header form{margin:0}";
}
