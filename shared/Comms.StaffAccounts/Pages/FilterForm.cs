using System.Text;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.StaffAccounts.Pages;

/// <summary>
/// The GET form of filters above a staff page's figures: lists, dates, the button and the file's link, in a row that
/// wraps on a phone. Every value and label is HTML-escaped.
/// </summary>
public sealed class FilterForm(string action)
{
    private readonly StringBuilder _html = new();

    /// <param name="any">The first option, of an empty value («все мои клиники»); none when null.</param>
    public FilterForm Select(string label, string name, string id, IEnumerable<(string Value, string Label)> options, string? selected, string? any = null)
    {
        _html.Append("<label>").Append(E(label)).Append("<select name=\"").Append(E(name)).Append("\" id=\"").Append(E(id)).Append("\">");
        if (any is not null)
        {
            Option(_html, "", any, selected);
        }

        foreach (var (value, text) in options)
        {
            Option(_html, value, text, selected);
        }

        _html.Append("</select></label>");
        return this;
    }

    public FilterForm Date(string label, string name, string id, string? value)
    {
        _html.Append("<label>").Append(E(label)).Append("<input type=\"date\" name=\"").Append(E(name)).Append("\" id=\"").Append(E(id))
            .Append("\" value=\"").Append(E(value)).Append("\"></label>");
        return this;
    }

    public FilterForm Submit(string id, string text)
    {
        _html.Append("<button type=\"submit\" id=\"").Append(E(id)).Append("\">").Append(E(text)).Append("</button>");
        return this;
    }

    /// <summary>A link that looks like a button (the file of what the filters show).</summary>
    public FilterForm Link(string id, string href, string text, string? title = null)
    {
        _html.Append("<a class=\"button\" id=\"").Append(E(id)).Append("\" href=\"").Append(E(href)).Append('"');
        if (title is not null)
        {
            _html.Append(" title=\"").Append(E(title)).Append('"');
        }

        _html.Append('>').Append(E(text)).Append("</a>");
        return this;
    }

    public override string ToString() =>
        $"<form method=\"get\" action=\"{E(action)}\" class=\"filters panel\">{_html}</form>";
}
