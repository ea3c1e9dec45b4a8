using Comms.Audience.Features.Scoring;
using MathNet.Numerics.Distributions;

namespace Comms.Audience.Tests.Value;

/// <summary>How a synthetic patient comes back: the law of the intervals between their visits.</summary>
public abstract record VisitRhythm
{
    /// <summary>
    /// Check-ups: the patient's own mean interval uniform over [<paramref name="MinMeanDays"/>, <paramref name="MaxMeanDays"/>],
    /// each interval Gamma-distributed around it with a shape uniform over [<paramref name="MinShape"/>, <paramref name="MaxShape"/>]
    /// (coefficient of variation 1/√shape: shape 16 is ±25 %).
    /// </summary>
    public sealed record Regular(double MinMeanDays, double MaxMeanDays, double MinShape, double MaxShape) : VisitRhythm;

    /// <summary>
    /// BG/NBD's own visits: a Poisson process (exponential intervals) whose rate λ per day is Gamma(r, α) across
    /// patients, α in days (mean interval of a typical patient α/r).
    /// </summary>
    public sealed record PoissonLike(double R, double Alpha) : VisitRhythm;

    /// <summary>One visit and gone, right after it.</summary>
    public sealed record OneTime : VisitRhythm;
}

/// <summary>How a synthetic patient leaves the clinic.</summary>
public abstract record Dropout
{
    /// <summary>
    /// BG/NBD's own dropout: right after each repeat visit (not the first) the patient leaves for good with probability
    /// p, p ~ Beta(a, b) across patients. The moment they leave is the day of their last visit.
    /// </summary>
    public sealed record AfterVisit(double A, double B) : Dropout;

    /// <summary>
    /// A moment in continuous time, unrelated to the visits (they move, change clinic): a lifetime from the first visit,
    /// exponential with the mean <paramref name="MeanDays"/>, or never (share <paramref name="NeverShare"/>).
    /// </summary>
    public sealed record AtTime(double MeanDays, double NeverShare) : Dropout;
}

/// <summary>A kind of patient in a clinic and its share of the patients.</summary>
public sealed record PatientKind(string Name, double Share, VisitRhythm Rhythm, Dropout Dropout);

/// <summary>
/// A patient of a synthetic clinic with their ground truth: every visit they make (also after the calibration date),
/// what each brought, and the day they left (null: they never leave, or not before the simulation ends).
/// </summary>
public sealed record SyntheticPatient(string Id, string Kind, IReadOnlyList<DateOnly> Visits, IReadOnlyList<decimal> Amounts, DateOnly? LeftOn)
{
    /// <summary>The truth as of the end of <paramref name="asOf"/>: they had left by then.</summary>
    public bool HasLeft(DateOnly asOf) => LeftOn is { } left && left <= asOf;

    /// <summary>The other reading of the truth: no visit in the <paramref name="days"/> after <paramref name="asOf"/>.</summary>
    public bool NoVisitWithin(DateOnly asOf, int days) =>
        !Visits.Any(d => d > asOf && d.DayNumber - asOf.DayNumber <= days);

    /// <summary>What the clinic knows of them at the end of <paramref name="asOf"/>, in the shape the service scores.</summary>
    public PatientHistory HistoryAsOf(string clinicId, DateOnly asOf)
    {
        var history = new PatientHistory { ClinicId = clinicId, PatientId = Id };
        for (var i = 0; i < Visits.Count && Visits[i] <= asOf; i++)
        {
            history.Days.Add(Visits[i]);
            history.Amounts.Add(Amounts[i]);
        }

        history.Bookings = history.Days.Count;
        return history;
    }
}

/// <summary>A synthetic clinic: its patients with their truth, and the date the study scores them as of.</summary>
public sealed record SyntheticClinic(string Name, int Seed, DateOnly Opened, DateOnly Calibration, IReadOnlyList<SyntheticPatient> Patients);

/// <summary>
/// Clinics whose truth is known, drawn with a seeded <see cref="Random"/> (and MathNet's samplers over it), so the same
/// seed gives the same clinic on every machine and no clock is read. Patients arrive uniformly over the three years
/// before the calibration date; each follows their kind's rhythm from the first visit until the moment they leave;
/// visits fall on whole days (at least a day apart) and are simulated to a year past the calibration date.
/// </summary>
public static class SyntheticClinics
{
    /// <summary>The clinic opens (the first first visit can fall on this day).</summary>
    public static readonly DateOnly Opened = new(2022, 1, 10);

    /// <summary>The day the study scores the patients as of: three years after the opening.</summary>
    public static readonly DateOnly Calibration = new(2025, 1, 10);

    private const int SimulatedPastCalibrationDays = 365;

    /// <summary>Check-ups every 90–180 days with ±18–29 % jitter (Gamma shape 12–30), leaving after a visit with p ~ Beta(1, 8) (mean 11 %).</summary>
    public static PatientKind RegularPatients(Dropout? dropout = null, double share = 1) =>
        new("regular", share, new VisitRhythm.Regular(90, 180, 12, 30), dropout ?? new Dropout.AfterVisit(1, 8));

    /// <summary>Poisson visits with λ ~ Gamma(1.5, 180 days) (typical interval 120 days, widely spread), leaving as BG/NBD says with p ~ Beta(1, 6).</summary>
    public static PatientKind PoissonPatients(Dropout? dropout = null, double share = 1) =>
        new("poisson", share, new VisitRhythm.PoissonLike(1.5, 180), dropout ?? new Dropout.AfterVisit(1, 6));

    /// <summary>Occasional patients: Poisson visits, λ ~ Gamma(2, 600 days) (typical interval 300 days), p ~ Beta(1, 4).</summary>
    public static PatientKind OccasionalPatients(Dropout? dropout = null, double share = 1) =>
        new("occasional", share, new VisitRhythm.PoissonLike(2, 600), dropout ?? new Dropout.AfterVisit(1, 4));

    /// <summary>One visit and never again.</summary>
    public static PatientKind OneTimePatients(double share) =>
        new("one_time", share, new VisitRhythm.OneTime(), new Dropout.AfterVisit(1, 1));

    /// <summary>The other way of leaving the study tries: a moment of the patient's own, 4 years after the first visit on average, 20 % never.</summary>
    public static readonly Dropout LeaveAtAMoment = new Dropout.AtTime(4 * 365, 0.2);

    /// <summary>(a) Every patient on check-ups.</summary>
    public static SyntheticClinic Regular(int seed, int patients = 3000, Dropout? dropout = null) =>
        Generate("regular", seed, patients, [RegularPatients(dropout)]);

    /// <summary>(b) Every patient as BG/NBD assumes.</summary>
    public static SyntheticClinic PoissonLike(int seed, int patients = 3000, Dropout? dropout = null) =>
        Generate("poisson", seed, patients, [PoissonPatients(dropout)]);

    /// <summary>(c) A clinic as they are: 40 % on check-ups, 35 % occasional, 25 % who come once.</summary>
    public static SyntheticClinic Mixed(int seed, int patients = 3000, Dropout? dropout = null) =>
        Generate("mixed", seed, patients, [RegularPatients(dropout, 0.40), OccasionalPatients(dropout, 0.35), OneTimePatients(0.25)]);

    /// <summary>A clinic of <paramref name="patients"/> patients of the kinds, each drawn with its share.</summary>
    public static SyntheticClinic Generate(string name, int seed, int patients, IReadOnlyList<PatientKind> kinds)
    {
        var random = new Random(seed);
        var totalShare = kinds.Sum(k => k.Share);
        var arrivalDays = Calibration.DayNumber - Opened.DayNumber;
        var end = Calibration.DayNumber + SimulatedPastCalibrationDays;
        var list = new List<SyntheticPatient>(patients);
        for (var i = 0; i < patients; i++)
        {
            var kind = Pick(kinds, random.NextDouble() * totalShare);
            var first = Opened.DayNumber + random.Next(arrivalDays);
            var check = LogNormal.Sample(random, Math.Log(3000), 0.5); // the patient's usual check, ₽
            var (days, left) = Visits(kind, first, end, random);
            var amounts = days.Select(_ => decimal.Round((decimal)(check * Gamma.Sample(random, 20, 20)), 0)).ToList();
            list.Add(new SyntheticPatient(
                $"{name}-{seed}-{i:D5}", kind.Name, [.. days.Select(DateOnly.FromDayNumber)], amounts,
                left is { } l ? DateOnly.FromDayNumber(l) : null));
        }

        return new SyntheticClinic(name, seed, Opened, Calibration, list);
    }

    private static PatientKind Pick(IReadOnlyList<PatientKind> kinds, double u)
    {
        foreach (var kind in kinds)
        {
            if (u < kind.Share)
            {
                return kind;
            }

            u -= kind.Share;
        }

        return kinds[^1];
    }

    /// <summary>The days of one patient's visits from <paramref name="first"/> until they leave or the simulation ends, and the day they leave.</summary>
    private static (List<int> Days, int? Left) Visits(PatientKind kind, int first, int end, Random random)
    {
        var days = new List<int> { first };
        if (kind.Rhythm is VisitRhythm.OneTime)
        {
            return (days, first);
        }

        Func<double> interval = kind.Rhythm switch
        {
            VisitRhythm.Regular r => RegularIntervals(r, random),
            VisitRhythm.PoissonLike p => PoissonIntervals(p, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind.Rhythm, "Unknown rhythm."),
        };

        switch (kind.Dropout)
        {
            case Dropout.AfterVisit(var a, var b):
            {
                var p = Beta.Sample(random, a, b);
                double time = first;
                while (true)
                {
                    time += interval();
                    var day = Math.Max((int)Math.Round(time), days[^1] + 1);
                    if (day > end)
                    {
                        return (days, null); // still with the clinic when the simulation ends
                    }

                    days.Add(day);
                    time = day;
                    if (random.NextDouble() < p)
                    {
                        return (days, day);
                    }
                }
            }

            case Dropout.AtTime(var meanDays, var neverShare):
            {
                int? left = random.NextDouble() < neverShare ? null : first + (int)Math.Ceiling(Exponential.Sample(random, 1 / meanDays));
                var stop = Math.Min(end, left ?? int.MaxValue);
                double time = first;
                while (true)
                {
                    time += interval();
                    var day = Math.Max((int)Math.Round(time), days[^1] + 1);
                    if (day >= stop)
                    {
                        return (days, left);
                    }

                    days.Add(day);
                    time = day;
                }
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind.Dropout, "Unknown dropout.");
        }
    }

    private static Func<double> RegularIntervals(VisitRhythm.Regular rhythm, Random random)
    {
        var mean = rhythm.MinMeanDays + random.NextDouble() * (rhythm.MaxMeanDays - rhythm.MinMeanDays);
        var shape = rhythm.MinShape + random.NextDouble() * (rhythm.MaxShape - rhythm.MinShape);
        return () => Gamma.Sample(random, shape, shape / mean);
    }

    private static Func<double> PoissonIntervals(VisitRhythm.PoissonLike rhythm, Random random)
    {
        var lambda = Gamma.Sample(random, rhythm.R, rhythm.Alpha);
        return () => Exponential.Sample(random, lambda);
    }
}
