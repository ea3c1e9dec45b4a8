using System.Globalization;
using System.Text;
using static Comms.StaffAccounts.Pages.StaffHtml;

namespace Comms.StaffAccounts.Pages;

/// <summary>One bar of a chart: what it is, how long, what is written by it, its colour.</summary>
/// <param name="Key">Machine value for tests and styles (<c>data-key</c>): a score, a segment code.</param>
/// <param name="Title">The tooltip; «label: value» when null.</param>
public sealed record ChartBar(string Label, double Value, string ValueText, string Color, string? Key = null, string? Title = null);

/// <summary>
/// Bar charts as inline SVG, drawn on the server: no script, no library, nothing fetched; every text escaped. Each
/// value's text is written by its bar (a chart is read, not hovered).
/// </summary>
public static class Charts
{
    /// <summary>Vertical bars side by side, the value above each, the label below: a few short labels (scores, age bands).</summary>
    /// <param name="maxScale">How much larger than its own size the chart may grow in a wide box (its text grows with it).</param>
    public static string Columns(string id, string label, IReadOnlyList<ChartBar> bars, int barWidth = 36, int gap = 12, int height = 140, double maxScale = 2)
    {
        const int top = 20, bottom = 24;
        var max = bars.Count == 0 ? 1 : Math.Max(1e-9, bars.Max(b => b.Value));
        var width = bars.Count * (barWidth + gap) + gap;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{E(id)}\" viewBox=\"0 0 {width} {top + height + bottom}\" role=\"img\" aria-label=\"{E(label)}\" style=\"max-width:{Math.Round(width * maxScale)}px\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = gap + i * (barWidth + gap);
            var h = bar.Value <= 0 ? 0 : Math.Max(2, (int)Math.Round(height * bar.Value / max));
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + height - h}\" width=\"{barWidth}\" height=\"{h}\" rx=\"3\" fill=\"{E(bar.Color)}\"><title>{E(bar.Title ?? $"{bar.Label}: {bar.ValueText}")}</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"count\"{KeyOf(bar)} x=\"{x + barWidth / 2}\" y=\"{top + height - h - 5}\" text-anchor=\"middle\" font-size=\"13\">{E(bar.ValueText)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{top + height + 17}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#5b6670\">{E(bar.Label)}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// Horizontal bars one under another, the label above each on the left and the value on the right: any number of
    /// long labels (segments, cities). The chart is as wide as its box and its text keeps its size, so it reads the
    /// same on a phone and a desktop. Labels longer than <paramref name="maxLabel"/> characters are cut (the tooltip
    /// has them whole).
    /// </summary>
    public static string Bars(string id, string label, IReadOnlyList<ChartBar> bars, int maxLabel = 32)
    {
        const int row = 38, textLine = 15, barTop = 21, barHeight = 11;
        var max = bars.Count == 0 ? 1 : Math.Max(1e-9, bars.Max(b => b.Value));
        var height = Math.Max(1, bars.Count * row);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{E(id)}\" class=\"bars\" width=\"100%\" height=\"{height}\" style=\"height:{height}px\" role=\"img\" aria-label=\"{E(label)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = i * row;
            var percent = bar.Value <= 0 ? 0 : Math.Max(0.5, Math.Round(100 * bar.Value / max, 1));
            var shown = bar.Label.Length > maxLabel ? bar.Label[..(maxLabel - 1)].TrimEnd() + "…" : bar.Label;
            svg.Append(CultureInfo.InvariantCulture, $"<g{KeyOf(bar)}><title>{E(bar.Title ?? $"{bar.Label}: {bar.ValueText}")}</title>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"0\" y=\"{y + textLine}\" font-size=\"14\">{E(shown)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"value\" x=\"100%\" y=\"{y + textLine}\" text-anchor=\"end\" font-size=\"14\" fill=\"#5b6670\">{E(bar.ValueText)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"{y + barTop}\" width=\"100%\" height=\"{barHeight}\" rx=\"3\" fill=\"#eef0f3\"></rect>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"hbar\" x=\"0\" y=\"{y + barTop}\" width=\"{percent}%\" height=\"{barHeight}\" rx=\"3\" fill=\"{E(bar.Color)}\"></rect></g>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string KeyOf(ChartBar bar) => bar.Key is null ? "" : $" data-key=\"{E(bar.Key)}\"";
}
