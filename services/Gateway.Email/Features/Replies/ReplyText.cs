using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace Comms.Gateway.Email.Features.Replies;

/// <summary>
/// Finds what the patient wrote in a reply: the plain-text part (or the HTML part as text), without the quoted
/// original, the client's "… wrote:" line, a signature after "-- " or "С уважением", a mobile "Отправлено с iPhone",
/// or an Outlook-style original below "From: … / Sent: …". A fresh mail with an empty body is read by its subject
/// ("СТОП" written in the subject); a reply's subject ("Re: …") is ours, not an answer. Whatever remains is the
/// answer as typed: "1", "2", "СТОП" or words for the clinic — read by the same rules as an SMS reply.
/// </summary>
public static partial class ReplyText
{
    /// <summary>Longer answers are cut: the clinic reads the start, and the mail stays in the mailbox.</summary>
    public const int MaxLength = 2000;

    public static string Of(MimeMessage mail)
    {
        var body = mail.TextBody is { Length: > 0 } text ? text : mail.HtmlBody is { Length: > 0 } html ? FromHtml(html) : "";
        var answer = Answer(body);
        if (answer.Length == 0 && mail.Subject is { } subject && !ReplySubject().IsMatch(subject))
        {
            answer = subject.Trim();
        }

        return answer.Length <= MaxLength ? answer : answer[..MaxLength];
    }

    public static string Answer(string body)
    {
        var lines = body.ReplaceLineEndings("\n").Split('\n');
        var kept = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (lines[i].TrimEnd('\r') is "-- " or "--" || EndsTheAnswer(line, lines, i))
            {
                break;
            }

            if (line.StartsWith('>'))
            {
                continue; // quoted, wherever it is: a bottom-posted answer comes after the quote
            }

            if (IsAttribution(line, NextNonBlank(lines, i + 1)))
            {
                // A long attribution is wrapped: its first half is the line just above it.
                if (kept is [.., { Length: > 0 } above] && (above.EndsWith('<') || line.Length < 30))
                {
                    kept.RemoveAt(kept.Count - 1);
                }

                continue;
            }

            kept.Add(line);
        }

        return BlankLines().Replace(string.Join('\n', kept), "\n\n").Trim();
    }

    private static bool EndsTheAnswer(string line, string[] lines, int index)
    {
        if (OriginalSeparator().IsMatch(line) || SignOff().IsMatch(line) || line.Length >= 10 && line.All(c => c == '_'))
        {
            return true;
        }

        // Outlook's original: "From: …" then "Sent:" / "To:" / "Subject:" within the next few lines.
        return HeaderFrom().IsMatch(line) && lines.Skip(index + 1).Take(4).Any(l => HeaderNext().IsMatch(l.Trim()));
    }

    private static bool IsAttribution(string line, string? next) =>
        line.EndsWith(':') && (next?.StartsWith('>') == true || Wrote().IsMatch(line) || line.Contains('@', StringComparison.Ordinal));

    private static string? NextNonBlank(string[] lines, int from) =>
        lines.Skip(from).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);

    private static string FromHtml(string html)
    {
        var text = Invisible().Replace(html, "");
        text = Quote().Replace(text, "");
        text = QuoteToEnd().Replace(text, "");
        text = Breaks().Replace(text, "\n");
        text = Tags().Replace(text, "");
        return WebUtility.HtmlDecode(text);
    }

    [GeneratedRegex(@"^(re|ответ|отв|fw|fwd|на)\s*(\[\d+\])?\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ReplySubject();

    [GeneratedRegex(@"^-{2,}\s*(original message|forwarded message|исходное сообщение|пересылаемое сообщение|оригинальное сообщение)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OriginalSeparator();

    [GeneratedRegex(@"^(sent from my |sent from mail for windows|get outlook for |отправлено с (моего )?(iphone|ipad|android|мобильного)|отправлено из (мобильной почты|приложения)|с уважением|с наилучшими пожеланиями|best regards|kind regards|regards,?$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignOff();

    [GeneratedRegex(@"^(from|от|отправитель):\s*\S", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderFrom();

    [GeneratedRegex(@"^(sent|date|to|subject|отправлено|дата|кому|тема):\s*\S", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeaderNext();

    [GeneratedRegex(@"\b(wrote|writes)\b|написал|написала|пишет|писал", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Wrote();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"<(style|script|head)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<blockquote\b.*</blockquote\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex Quote();

    [GeneratedRegex(@"<div\b[^>]*class=""[^""]*(gmail_quote|yahoo_quoted|moz-cite-prefix|divRplyFwdMsg)[^""]*"".*", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex QuoteToEnd();

    [GeneratedRegex(@"<br\s*/?>|</(p|div|tr|li|h[1-6])\s*>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Breaks();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.None, 1000)]
    private static partial Regex Tags();
}
