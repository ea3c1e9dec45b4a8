namespace Comms.Feedback.Features.Dashboard;

/// <summary>
/// The options of a filter list (doctors, services): each id once, under the name the latest visit gave it. Two ids
/// with the same name (two doctors Ивановы) are told apart: «Иванова Анна Сергеевна (терапевт, D-5)», the detail
/// (a doctor's specialty) when it has one, and always the MIS id.
/// </summary>
public static class FilterChoices
{
    /// <param name="Detail">What else tells it apart (a doctor's specialty), if known.</param>
    /// <param name="Latest">When a visit last said so: the newest name and detail win.</param>
    public sealed record Seen(string Id, string? Name, string? Detail, DateTimeOffset Latest);

    public static List<(string Id, string Name)> Of(IEnumerable<Seen> seen)
    {
        var latest = seen
            .GroupBy(s => s.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(s => s.Latest).ThenBy(s => s.Name is null).First())
            .Select(s => (s.Id, Name: string.IsNullOrWhiteSpace(s.Name) ? s.Id : s.Name.Trim(), Detail: string.IsNullOrWhiteSpace(s.Detail) ? null : s.Detail.Trim()))
            .ToList();
        var shared = latest.GroupBy(c => c.Name, StringComparer.CurrentCultureIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key)
            .ToHashSet(StringComparer.CurrentCultureIgnoreCase);
        return [.. latest
            .Select(c => (c.Id, Name: shared.Contains(c.Name) && c.Name != c.Id ? $"{c.Name} ({(c.Detail is null ? "" : c.Detail + ", ")}{c.Id})" : c.Name))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)];
    }
}
