using System.ComponentModel.DataAnnotations;

namespace Comms.Audience.Features.Scoring;

/// <summary>
/// Section <c>Audience</c>: how value is estimated and where the segment lines are drawn. The defaults are those
/// docs/audience.md explains; a chain changes them in configuration.
/// </summary>
public sealed class AudienceOptions : IValidatableObject
{
    public const string Section = "Audience";

    /// <summary>Clinics whose patients are fitted and ranked together (a chain); a clinic in none stands alone.</summary>
    public List<ChainOptions> Chains { get; set; } = [];

    /// <summary>The horizon of the expected value when a request names none (days).</summary>
    public int DefaultHorizonDays { get; set; } = 365;

    /// <summary>The annual discount rate of the expected value (0.15 = 15 % a year).</summary>
    public double AnnualDiscountRate { get; set; } = 0.15;

    /// <summary>The seed LTV's lifetime when the clinic has too few lapsed patients to measure its own (years).</summary>
    public double DefaultLifetimeYears { get; set; } = 3;

    /// <summary>Fewer patients with a repeat visit than this, and the probabilistic model is not fitted (its figures are null).</summary>
    public int MinimumRepeatPatients { get; set; } = 30;

    public SegmentThresholds Segments { get; set; } = new();

    public WatchOptions Watch { get; set; } = new();

    public ModelOptions Model { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultHorizonDays is < 1 or > 3650)
        {
            yield return new ValidationResult("must be between 1 and 3650", [$"{Section}:DefaultHorizonDays"]);
        }

        if (AnnualDiscountRate is < 0 or > 1)
        {
            yield return new ValidationResult("must be between 0 and 1", [$"{Section}:AnnualDiscountRate"]);
        }

        if (DefaultLifetimeYears is <= 0 or > 50)
        {
            yield return new ValidationResult("must be above 0 and at most 50", [$"{Section}:DefaultLifetimeYears"]);
        }

        if (Watch.Interval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("must be at least 00:00:01", [$"{Section}:Watch:Interval"]);
        }

        if (Model.RefitAfter < TimeSpan.Zero || Model.KeptScorings < 1)
        {
            yield return new ValidationResult("RefitAfter must not be negative and KeptScorings at least 1", [$"{Section}:Model"]);
        }

        foreach (var problem in Segments.Problems())
        {
            yield return new ValidationResult(problem.Reason, [$"{Section}:Segments:{problem.Field}"]);
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < Chains.Count; i++)
        {
            foreach (var clinic in Chains[i].Clinics.Where(c => !seen.Add(c)))
            {
                yield return new ValidationResult($"clinic '{clinic}' is in more than one chain", [$"{Section}:Chains:{i}:Clinics"]);
            }
        }
    }

    /// <summary>The id the scope's segment rules are kept under: the chain's, or the clinic's own.</summary>
    public string ScopeIdOf(string clinicId) =>
        Chains.FirstOrDefault(c => c.Clinics.Contains(clinicId)) is { } chain ? $"chain:{chain.ChainId}" : $"clinic:{clinicId}";

    /// <summary>The clinics fitted and ranked with <paramref name="clinicId"/>: its chain's, or itself.</summary>
    public string[] ScopeOf(string clinicId) =>
        Chains.FirstOrDefault(c => c.Clinics.Contains(clinicId)) is { } chain ? [.. chain.Clinics.Order(StringComparer.Ordinal)] : [clinicId];
}

public sealed class ModelOptions
{
    /// <summary>A scope's models are fitted again, and its patients ranked again, when the fit is older than this and the history changed.</summary>
    public TimeSpan RefitAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Scorings kept in memory (scope × date × rules revision), each a whole clinic's figures.</summary>
    public int KeptScorings { get; set; } = 4;
}

public sealed class WatchOptions
{
    /// <summary>How often the patients are scored again to tell the MIS of segment moves and churn risk.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class ChainOptions
{
    public string ChainId { get; set; } = "";

    public List<string> Clinics { get; set; } = [];
}

/// <summary>Where the segments' lines are drawn (seed 001's four groups, and new, at risk, lost).</summary>
public sealed class SegmentThresholds
{
    /// <summary>VIP: LTV at or above this quantile of the clinic's (or chain's) patients with a visit — 0.9 is the top 10 %.</summary>
    public double VipLtvQuantile { get; set; } = 0.9;

    /// <summary>VIP needs at least this many visits (one costly visit is not a VIP).</summary>
    public int VipMinVisits { get; set; } = 2;

    /// <summary>New: the first visit at most this many days ago.</summary>
    public int NewWithinDays { get; set; } = 90;

    /// <summary>Lost: no visit for this many days (18 months, the market's rule), or the model all but sure they left.</summary>
    public int LostAfterDays { get; set; } = 540;

    /// <summary>Lost also when P(alive) is below this and the patient is overdue.</summary>
    public double LostBelowPAlive { get; set; } = 0.1;

    /// <summary>At risk: P(alive) below this.</summary>
    public double AtRiskBelowPAlive { get; set; } = 0.3;

    /// <summary>At risk: days since the last visit beyond this many times the patient's own median interval.</summary>
    public double OverdueIntervalFactor { get; set; } = 2;

    /// <summary>The own-interval rule needs this many visits (two intervals), else it has nothing to stand on.</summary>
    public int OverdueMinVisits { get; set; } = 3;

    /// <summary>A patient's rhythm is regular (the interval rule applies, not P(alive)) when their intervals' coefficient of variation is below this.</summary>
    public double RegularMaxIntervalCv { get; set; } = 0.35;

    /// <summary>At risk also: P(alive) within the clinic's lowest share of its irregular patients (0.1: the lowest tenth), when that line is above <see cref="AtRiskBelowPAlive"/>.</summary>
    public double AtRiskPAliveLowestShare { get; set; } = 0.1;

    /// <summary>At risk: visits in the last 365 days below this share of the 365 before (which had at least two).</summary>
    public double FallingFrequencyShare { get; set; } = 0.5;

    /// <summary>Unprofitable: the patient's own cancellations and no-shows at or above this share of their bookings…</summary>
    public double UnprofitableMissRate { get; set; } = 0.3;

    /// <summary>… counted from this many bookings on.</summary>
    public int UnprofitableMinBookings { get; set; } = 3;

    /// <summary>Unprofitable: discounts at or above this share of the list price of their visits.</summary>
    public double UnprofitableDiscountShare { get; set; } = 0.3;

    /// <summary>Unprofitable: the last rating at or below this (1–5).</summary>
    public int UnprofitableMaxRating { get; set; } = 2;

    public IEnumerable<(string Field, string Reason)> Problems()
    {
        if (VipLtvQuantile is <= 0 or >= 1)
        {
            yield return (nameof(VipLtvQuantile), "must be between 0 and 1, exclusive (0.9 = the top 10 %)");
        }

        if (VipMinVisits < 1)
        {
            yield return (nameof(VipMinVisits), "must be at least 1");
        }

        if (NewWithinDays < 1 || LostAfterDays <= NewWithinDays)
        {
            yield return (nameof(LostAfterDays), "must be above NewWithinDays, which must be at least 1");
        }

        if (LostBelowPAlive is < 0 or > 1 || AtRiskBelowPAlive is < 0 or > 1 || LostBelowPAlive > AtRiskBelowPAlive)
        {
            yield return (nameof(AtRiskBelowPAlive), "P(alive) thresholds must be between 0 and 1, LostBelowPAlive at most AtRiskBelowPAlive");
        }

        if (OverdueIntervalFactor <= 1)
        {
            yield return (nameof(OverdueIntervalFactor), "must be above 1");
        }

        if (OverdueMinVisits < 3)
        {
            yield return (nameof(OverdueMinVisits), "must be at least 3 (two intervals)");
        }

        if (RegularMaxIntervalCv is <= 0 or > 5)
        {
            yield return (nameof(RegularMaxIntervalCv), "must be above 0 and at most 5");
        }

        if (AtRiskPAliveLowestShare is < 0 or >= 1)
        {
            yield return (nameof(AtRiskPAliveLowestShare), "must be from 0 (off) to below 1");
        }

        if (FallingFrequencyShare is <= 0 or >= 1)
        {
            yield return (nameof(FallingFrequencyShare), "must be between 0 and 1, exclusive");
        }

        if (UnprofitableMissRate is <= 0 or > 1 || UnprofitableDiscountShare is <= 0 or > 1)
        {
            yield return (nameof(UnprofitableMissRate), "rates must be above 0 and at most 1");
        }

        if (UnprofitableMinBookings < 1 || UnprofitableMaxRating is < 1 or > 5)
        {
            yield return (nameof(UnprofitableMinBookings), "must be at least 1; UnprofitableMaxRating between 1 and 5");
        }
    }
}
