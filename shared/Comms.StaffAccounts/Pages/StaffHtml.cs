using System.Net;
using System.Text;
using Comms.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Comms.StaffAccounts.Pages;

/// <summary>
/// The frame of the staff pages that show figures (Feedback's managers' page, Audience's analytics): server-rendered,
/// readable on a phone, no script at all, every value HTML-escaped with <see cref="E"/>.
/// </summary>
public static class StaffHtml
{
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Layout(string title, string body) =>
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">" +
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
        $"<title>{E(title)}</title><style>{Style}</style></head><body><main>{body}</main></body></html>";

    /// <summary>The answer: not cached, not framed, no script, not indexed; the page's own inline charts allowed.</summary>
    public static IResult Page(HttpContext http, string html, int status) => HtmlPage.Result(http, html, status, imageSources: "'self'");

    /// <summary>A short page of one heading, a sentence and a way back (a refusal, a bad request).</summary>
    public static IResult Message(HttpContext http, int status, string title, string text, string backUrl, string backText) =>
        Page(http, Layout(title, $"<h1>{E(title)}</h1><p>{E(text)}</p><p><a href=\"{E(backUrl)}\">{E(backText)}</a></p>"), status);

    public static void Option(StringBuilder html, string value, string label, string? selected) =>
        html.Append("<option value=\"").Append(E(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(E(label)).Append("</option>");

    /// <summary>A figure in a card: its label and its value (HTML, already escaped by the caller).</summary>
    public static void Card(StringBuilder html, string id, string label, string valueHtml) =>
        html.Append("<div class=\"card\"><span class=\"muted\">").Append(E(label)).Append("</span><b id=\"").Append(E(id)).Append("\">").Append(valueHtml).Append("</b></div>");

    /// <summary>The header: the page's title, who is signed in and the sign-out button.</summary>
    public static void Header(StringBuilder html, string title, string person, string signOutPath) =>
        html.Append("<header><h1>").Append(E(title)).Append("</h1><form method=\"post\" action=\"").Append(E(signOutPath)).Append("\">")
            .Append("<span class=\"muted\">").Append(E(person)).Append("</span> ")
            .Append("<button type=\"submit\" id=\"sign-out\">Выйти</button></form></header>");

    private const string Style =
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2329;line-height:1.4}" +
        "main{max-width:960px;margin:0 auto;padding:16px}h1{font-size:1.4rem;margin:.2em 0 .6em}h2{font-size:1.1rem;margin:1.2em 0 .4em}" +
        "h3{font-size:1rem;margin:1em 0 .3em}" +
        ".stack{display:flex;flex-direction:column;gap:6px;max-width:360px}input,select,button{font:inherit;padding:8px;border:1px solid #b8c0c8;border-radius:6px;background:#fff}" +
        "button,.button{background:#1f6feb;color:#fff;border:0;cursor:pointer;text-decoration:none;padding:8px 14px;border-radius:6px;display:inline-block}" +
        ".error{color:#b3261e;background:#fdecea;padding:8px;border-radius:6px}.muted{color:#5b6670}" +
        ".filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}.filters label{display:flex;flex-direction:column;font-size:.85rem;gap:2px;min-width:0;max-width:100%}" +
        ".filters select{max-width:100%;text-overflow:ellipsis}" +
        ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;margin:12px 0}" +
        ".card{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0002}.card b{display:block;font-size:1.6rem}" +
        ".cards.money b{font-size:clamp(1.15rem,5vw,1.6rem);white-space:nowrap}" +
        ".panel{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 2px #0002;margin:8px 0}svg{width:100%;height:auto}" +
        ".review{border-top:1px solid #e3e6ea;padding:8px 0}.review p{margin:.3em 0;white-space:pre-wrap;overflow-wrap:anywhere}" +
        ".doctor{display:grid;grid-template-columns:minmax(0,2fr) 3fr auto;gap:8px;align-items:center;margin:4px 0}" +
        ".track{background:#eef0f3;border-radius:4px;height:14px}.bar{display:block;height:14px;border-radius:4px}" +
        ".scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;width:100%;font-size:.9rem}" +
        "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6ea;vertical-align:top}th{font-weight:600;color:#5b6670}" +
        "td.n,th.n{text-align:right;white-space:nowrap}tfoot td{font-weight:600}code{overflow-wrap:anywhere}" +
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f6f8;padding:8px;border-radius:6px;font-size:.85rem}" +
        ".pager{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-top:8px}" +
        ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:8px 24px}" +
        // On a phone a table.stacked shows each row as a card (a cell's data-label before its value); a table.compact
        // drops its .wide columns and tightens.
        "@media (max-width:640px){table.stacked thead{display:none}table.stacked,table.stacked tbody,table.stacked tr,table.stacked td{display:block}" +
        "table.stacked tr{padding:8px 0;border-bottom:1px solid #e3e6ea}table.stacked td{border:0;padding:1px 0;text-align:left}" +
        "table.stacked td[data-label]::before{content:attr(data-label) \": \";color:#5b6670}table.stacked td.lead{display:inline-block;margin-right:8px;font-weight:600}" +
        "table.stacked br.soft{display:none}table.compact th,table.compact td{padding:5px 4px;font-size:.85rem}table.compact .wide{display:none}}" +
        "header{display:flex;justify-content:space-between;align-items:center;gap:8px;flex-wrap:wrap}header form{margin:0}";
}
