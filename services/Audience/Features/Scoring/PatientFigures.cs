using Comms.Contracts.Audience;

namespace Comms.Audience.Features.Scoring;

/// <summary>Every figure of one patient as of a date (docs/audience.md says how each is made).</summary>
public sealed record PatientFigures(
    string ClinicId,
    string PatientId,
    DateOnly AsOf,
    int Visits,
    DateOnly? FirstVisit,
    DateOnly? LastVisit,
    int? DaysSinceLastVisit,
    int? TenureDays,
    decimal Revenue,
    decimal? AverageCheck,
    double? VisitsPerYear,
    double? MedianIntervalDays,
    int Bookings,
    double CancellationRate,
    double NoShowRate,
    double DiscountShare,
    int? LastRating,
    RfmScores? Rfm,
    decimal Ltv,
    ValueFigures? Value,
    decimal ValueAtRisk,
    string Segment,
    IReadOnlyList<Finding> Reasons,
    IReadOnlyList<Finding> Signals);

/// <summary>Recency, frequency and monetary value, each 1–5 by quintile within the clinic (or chain); 5 is best.</summary>
public sealed record RfmScores(int Recency, int Frequency, int Monetary)
{
    /// <summary>The 125 scores of 1–5 each, made once: a clinic's scoring shares them instead of one per patient.</summary>
    private static readonly RfmScores[] Shared = [.. Enumerable.Range(0, 125).Select(i => new RfmScores(i / 25 + 1, i / 5 % 5 + 1, i % 5 + 1))];

    public string Code => $"{Recency}{Frequency}{Monetary}";

    public static RfmScores Of(int recency, int frequency, int monetary) =>
        recency is >= 1 and <= 5 && frequency is >= 1 and <= 5 && monetary is >= 1 and <= 5
            ? Shared[(recency - 1) * 25 + (frequency - 1) * 5 + monetary - 1]
            : new RfmScores(recency, frequency, monetary);
}

/// <summary>The probabilistic figures (BG/NBD and Gamma-Gamma) over a horizon.</summary>
public sealed record ValueFigures(
    double ProbabilityAlive,
    double ExpectedVisits,
    decimal ExpectedSpendPerVisit,
    decimal ExpectedValue,
    decimal DiscountedValue,
    int HorizonDays);

/// <summary>A reason for a segment or a churn signal: a machine code and the sentence a manager reads.</summary>
public sealed record Finding(string Code, string Text);

public static class Segments
{
    public const string Vip = "vip";
    public const string Stable = "stable";
    public const string OneTime = "one_time";
    public const string Unprofitable = "unprofitable";
    public const string New = "new";
    public const string AtRisk = "at_risk";
    public const string Lost = "lost";

    public static readonly IReadOnlyList<string> All = [Vip, Stable, OneTime, Unprofitable, New, AtRisk, Lost];

    /// <summary>The segment's Russian name, for pages and exports.</summary>
    public static string Title(string segment) => segment switch
    {
        Vip => "VIP",
        Stable => "Стабильные",
        OneTime => "Разовые",
        Unprofitable => "Убыточные",
        New => "Новые",
        AtRisk => "В зоне риска",
        Lost => "Потерянные",
        _ => segment,
    };
}

/// <summary>The churn signals' codes, shared with Scheduling's reactivation rule.</summary>
public static class Signals
{
    public const string LowProbabilityAlive = ChurnSignals.LowProbabilityAlive;
    public const string Overdue = ChurnSignals.Overdue;
    public const string FallingFrequency = ChurnSignals.FallingFrequency;
    public const string CourseUnfinished = ChurnSignals.CourseUnfinished;

    public static IReadOnlyList<string> All => ChurnSignals.All;
}
