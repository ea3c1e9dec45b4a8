using Comms.Audience.Features.Scoring;

namespace Comms.Audience.Features.Analytics;

/// <summary>A segment's size and value: patients and their share, the LTV summed and its share, the average LTV.</summary>
public sealed record SegmentRow(string Segment, string Title, int Patients, double Share, decimal TotalLtv, double LtvShare, decimal? AverageLtv);

/// <summary>The segments' sizes and values, and the list of patients to bring back. Pure.</summary>
public static class SegmentSummary
{
    /// <summary>Every segment in <see cref="Segments.All"/>'s order, empty ones too.</summary>
    public static IReadOnlyList<SegmentRow> Of(IReadOnlyCollection<PatientFigures> patients)
    {
        var total = patients.Count;
        var ltv = patients.Sum(p => p.Ltv);
        var bySegment = patients.GroupBy(p => p.Segment).ToDictionary(g => g.Key, g => (Count: g.Count(), Ltv: g.Sum(p => p.Ltv)));
        return [.. Segments.All.Select(s =>
        {
            var (count, sum) = bySegment.GetValueOrDefault(s);
            return new SegmentRow(s, Segments.Title(s), count, total == 0 ? 0 : (double)count / total, sum,
                ltv == 0 ? 0 : (double)(sum / ltv), count == 0 ? null : decimal.Round(sum / count, 2));
        })];
    }

    /// <summary>
    /// Patients in <c>at_risk</c> (and <c>lost</c> when asked), the most value at risk first, then by id (as the API's
    /// <c>sort=value_at_risk</c>): whom to call first.
    /// </summary>
    public static List<PatientFigures> AtRisk(IEnumerable<PatientFigures> patients, bool withLost) =>
        [.. patients.Where(p => p.Segment == Segments.AtRisk || (withLost && p.Segment == Segments.Lost))
            .OrderByDescending(p => p.ValueAtRisk).ThenBy(p => p.PatientId, StringComparer.Ordinal)];
}
