using System.Net;

namespace Comms.Gateway.Email.Features.Answers;

/// <summary>
/// The «Подтвердить» / «Отменить» buttons of a confirmation request, added by the gateway after whatever the template
/// says (before <c>&lt;/body&gt;</c> when the HTML has one): a marketer's edit of the template cannot lose or break
/// them, and the text part gets the same two links written out. The buttons are table-and-inline-style HTML, which
/// mail clients render without stylesheets.
/// </summary>
public static class ConfirmationButtons
{
    public const string ConfirmLabel = "Подтвердить";
    public const string CancelLabel = "Отменить";

    public static string AddToText(string text, string confirmUrl, string cancelUrl) =>
        $"{text.TrimEnd()}\n\n{ConfirmLabel} запись: {confirmUrl}\n{CancelLabel} запись: {cancelUrl}\n";

    public static string AddToHtml(string html, string confirmUrl, string cancelUrl)
    {
        var buttons = $"""

            <table role="presentation" cellspacing="0" cellpadding="0" border="0" style="margin:20px 0"><tr>
            <td style="padding-right:12px"><a href="{WebUtility.HtmlEncode(confirmUrl)}" style="display:inline-block;padding:10px 22px;border-radius:6px;background:#1a7f37;color:#ffffff;font-weight:bold;text-decoration:none">{ConfirmLabel}</a></td>
            <td><a href="{WebUtility.HtmlEncode(cancelUrl)}" style="display:inline-block;padding:9px 21px;border-radius:6px;border:1px solid #b42318;background:#ffffff;color:#b42318;font-weight:bold;text-decoration:none">{CancelLabel}</a></td>
            </tr></table>

            """;
        var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return end < 0 ? html + buttons : html[..end] + buttons + html[end..];
    }
}
