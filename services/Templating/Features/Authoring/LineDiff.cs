namespace Comms.Templating.Features.Authoring;

public static class DiffKinds
{
    public const string Same = "same";
    public const string Added = "added";
    public const string Removed = "removed";
}

public sealed record DiffLine(string Kind, string Text);

/// <summary>
/// A line diff by longest common subsequence: the lines both texts keep in order are "same", the rest of the old text
/// "removed" and of the new text "added", removals before additions where a block changed.
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compute(string? from, string? to)
    {
        var a = Lines(from);
        var b = Lines(to);

        // common[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<DiffLine>(a.Length + b.Length);
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add(new DiffLine(DiffKinds.Same, a[x]));
                x++;
                y++;
            }
            else if (y >= b.Length || (x < a.Length && common[x + 1, y] >= common[x, y + 1]))
            {
                lines.Add(new DiffLine(DiffKinds.Removed, a[x]));
                x++;
            }
            else
            {
                lines.Add(new DiffLine(DiffKinds.Added, b[y]));
                y++;
            }
        }

        return lines;
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
