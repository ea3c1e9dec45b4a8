using System.Globalization;
using Comms.Audience.Features.Value;

namespace Comms.Audience.Features.Scoring;

/// <summary>The fitted models of a clinic (or chain) as of a date, and what they were fitted on.</summary>
public sealed record ScopeModel(
    string[] Clinics,
    DateOnly AsOf,
    int Patients,
    int RepeatPatients,
    BgNbdFit? BgNbd,
    GammaGammaFit? GammaGamma,
    double LifetimeYears,
    string LifetimeSource,
    decimal VipLtvLine,
    decimal OneTimeLtvLine,
    SegmentThresholds Thresholds,
    double AnnualDiscountRate,
    int HorizonDays,
    RfmScale Rfm,
    double? PAliveLowest = null);

/// <summary>The sorted recency, frequency and monetary values of the scope's patients: where a patient's quintiles are read.</summary>
public sealed record RfmScale(double[] Recency, double[] Frequency, double[] Monetary)
{
    public RfmScores? Of(PatientHistory history, DateOnly asOf) => history.Days.Count == 0 ? null : RfmScores.Of(
        ScopeScorer.Quintile(Recency, -(double)(asOf.DayNumber - history.Days[^1].DayNumber)),
        ScopeScorer.Quintile(Frequency, history.Days.Count),
        ScopeScorer.Quintile(Monetary, (double)history.Amounts.Sum()));
}

/// <summary>
/// The figures of every patient of a scope as of a date: made all at once with the fit, then kept current patient by
/// patient (<see cref="Update"/>) against the same model as their histories change.
/// </summary>
public sealed class ScopeScores(ScopeModel model, Dictionary<(string ClinicId, string PatientId), PatientFigures> patients)
{
    private readonly Lock _lock = new();
    private Dictionary<(string ClinicId, string PatientId), PatientFigures> _patients = patients;

    public ScopeModel Model { get; } = model;

    public IReadOnlyDictionary<(string ClinicId, string PatientId), PatientFigures> Patients
    {
        get
        {
            lock (_lock)
            {
                return _patients;
            }
        }
    }

    /// <summary>Replaces the figures of the patients given (copy on write: a reader's dictionary never changes under it).</summary>
    public void Update(IEnumerable<PatientFigures> figures)
    {
        lock (_lock)
        {
            var next = new Dictionary<(string ClinicId, string PatientId), PatientFigures>(_patients);
            foreach (var f in figures)
            {
                next[(f.ClinicId, f.PatientId)] = f;
            }

            _patients = next;
        }
    }
}

/// <summary>
/// Turns histories into figures: the descriptive ones per patient, the seed LTV with the clinic's own lifetime, the
/// BG/NBD and Gamma-Gamma fits over all of the scope's patients, RFM quintiles, and last the segment and signals by
/// <see cref="SegmentThresholds"/>. Pure: no I/O, the same histories give the same figures.
/// </summary>
public static class ScopeScorer
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    /// <summary>The share of the LTV distribution below which a patient of rare visits is one-time (seed 001: low LTV).</summary>
    public const double OneTimeLtvQuantile = 0.25;

    /// <summary>The scope's model and every patient's figures from histories in hand (the tests' and the study's way).</summary>
    public static ScopeScores Score(
        string[] clinics, DateOnly asOf, IReadOnlyList<PatientHistory> histories, AudienceOptions options, SegmentThresholds thresholds, int horizonDays)
    {
        var model = Fit(clinics, asOf, [.. histories.Select(h => Summarize(h, asOf, thresholds))], options, thresholds, horizonDays);
        var figures = new Dictionary<(string, string), PatientFigures>(histories.Count);
        foreach (var history in histories)
        {
            figures[(history.ClinicId, history.PatientId)] = Figures(history, model);
        }

        return new ScopeScores(model, figures);
    }

    /// <summary>What the fit needs of one patient: a few numbers instead of the history, so a scope's fit holds no histories.</summary>
    public readonly record struct FitInput(CustomerHistory Customer, int Visits, DateOnly First, DateOnly Last, decimal Revenue, double? SpendMean, bool Regular);

    public static FitInput Summarize(PatientHistory history, DateOnly asOf, SegmentThresholds thresholds)
    {
        var n = history.Days.Count;
        if (n == 0)
        {
            return new FitInput(default, 0, default, default, 0m, null, false);
        }

        double? spend = n > 1 ? (double)(history.Amounts.Skip(1).Sum() / (n - 1)) : null;
        return new FitInput(CustomerHistory.FromVisitDays(history.Days, asOf), n, history.Days[0], history.Days[^1], history.Amounts.Sum(), spend,
            IsRegular(history, thresholds));
    }

    /// <summary>
    /// The scope's model from its patients' summaries: the BG/NBD and Gamma-Gamma fits, the lifetime, the LTV lines,
    /// the RFM scale and the clinic's own P(alive) line.
    /// </summary>
    public static ScopeModel Fit(
        string[] clinics, DateOnly asOf, IReadOnlyList<FitInput> patients, AudienceOptions options, SegmentThresholds thresholds, int horizonDays)
    {
        var visited = patients.Where(p => p.Visits > 0).ToArray();
        var (lifetime, lifetimeSource) = Lifetime(visited, asOf, thresholds, options.DefaultLifetimeYears);

        var customers = visited.Select(p => p.Customer).ToArray();
        var repeat = customers.Count(c => c.X > 0);
        BgNbdFit? bgNbd = null;
        GammaGammaFit? gammaGamma = null;
        if (repeat >= options.MinimumRepeatPatients)
        {
            bgNbd = BgNbdFitter.Fit(customers);
            var spends = visited.Where(p => p.Visits > 1 && p.SpendMean > 0)
                .Select(p => new SpendHistory(p.Visits - 1, p.SpendMean!.Value))
                .ToArray();
            gammaGamma = spends.Length >= options.MinimumRepeatPatients ? GammaGammaFitter.Fit(spends) : null;
        }

        var ltvs = visited.Select(p => Ltv(p.Revenue, p.Visits, VisitsPerYear(p.Visits, p.First, p.Last, asOf), lifetime)).Order().ToArray();
        var vipLine = Quantile(ltvs, thresholds.VipLtvQuantile);
        var oneTimeLine = Quantile(ltvs, OneTimeLtvQuantile);
        var rfm = new RfmScale(
            [.. visited.Select(p => -(double)(asOf.DayNumber - p.Last.DayNumber)).Order()],
            [.. visited.Select(p => (double)p.Visits).Order()],
            [.. visited.Select(p => (double)p.Revenue).Order()]);
        // The at-risk line of P(alive) is the clinic's own lowest tenth (of its irregular patients seen within the lost
        // line), when higher than the fixed one: a fixed 0.3 never fires on clinics whose fits put almost everyone
        // near 1 (the study above).
        double? pAliveLowest = null;
        if (bgNbd is { } fitted)
        {
            var pAlive = visited
                .Where(p => p.Visits >= 2 && asOf.DayNumber - p.Last.DayNumber <= thresholds.LostAfterDays && !p.Regular)
                .Select(p => BgNbd.ProbabilityAlive(fitted.Parameters, p.Customer))
                .Order().ToArray();
            pAliveLowest = pAlive.Length == 0 ? null : pAlive[Math.Clamp((int)Math.Ceiling(thresholds.AtRiskPAliveLowestShare * pAlive.Length) - 1, 0, pAlive.Length - 1)];
        }

        return new ScopeModel(clinics, asOf, patients.Count, repeat, bgNbd, gammaGamma, lifetime, lifetimeSource, vipLine, oneTimeLine,
            thresholds, options.AnnualDiscountRate, horizonDays, rfm, pAliveLowest);
    }

    /// <summary>
    /// One patient's figures against the scope's model (its fit, lines, quintile scale and rules), over the model's
    /// horizon or another: what a patient's update after an event costs, without fitting or ranking anyone again.
    /// </summary>
    public static PatientFigures Figures(PatientHistory history, ScopeModel model, int? horizonDays = null)
    {
        var asOf = model.AsOf;
        var thresholds = model.Thresholds;
        var discountRate = model.AnnualDiscountRate;
        var horizon = horizonDays ?? model.HorizonDays;
        var rfm = model.Rfm.Of(history, asOf);
        var n = history.Days.Count;
        var revenue = history.Amounts.Sum();
        DateOnly? first = n > 0 ? history.Days[0] : null;
        DateOnly? last = n > 0 ? history.Days[^1] : null;
        int? since = last is { } l ? asOf.DayNumber - l.DayNumber : null;
        var intervals = Enumerable.Range(1, Math.Max(n - 1, 0)).Select(i => (double)(history.Days[i].DayNumber - history.Days[i - 1].DayNumber)).Order().ToArray();
        double? median = intervals.Length == 0 ? null : intervals.Length % 2 == 1
            ? intervals[intervals.Length / 2]
            : (intervals[intervals.Length / 2 - 1] + intervals[intervals.Length / 2]) / 2;
        var bookings = history.Bookings;
        var gross = revenue + history.Discounts;

        ValueFigures? value = null;
        if (n > 0 && model.BgNbd is { } fit)
        {
            var customer = CustomerHistory.FromVisitDays(history.Days, asOf);
            var pAlive = BgNbd.ProbabilityAlive(fit.Parameters, customer);
            var spend = model.GammaGamma is { } gg && n > 1
                ? GammaGamma.ExpectedAverageValue(gg.Parameters, n - 1, (double)(history.Amounts.Skip(1).Sum() / (n - 1)))
                : model.GammaGamma is { } population ? GammaGamma.PopulationMeanValue(population.Parameters) : (double)(revenue / n);
            var estimate = CustomerValue.Over(fit.Parameters, customer, Math.Max(spend, 0), horizon, discountRate);
            value = new ValueFigures(pAlive, estimate.ExpectedTransactions, Money(spend), Money(estimate.Value), Money(estimate.DiscountedValue), horizon);
        }

        var ltv = n > 0 ? Ltv(history, asOf, model.LifetimeYears) : 0m;
        var figures = new PatientFigures(
            history.ClinicId, history.PatientId, asOf, n, first, last, since,
            first is { } f ? asOf.DayNumber - f.DayNumber : null,
            revenue,
            n > 0 ? Money((double)(revenue / n)) : null,
            n > 0 ? VisitsPerYear(history, asOf) : null,
            median,
            bookings,
            bookings == 0 ? 0 : (double)history.Cancellations / bookings,
            bookings == 0 ? 0 : (double)history.NoShows / bookings,
            gross == 0 ? 0 : (double)(history.Discounts / gross),
            history.LastRating,
            rfm,
            ltv,
            value,
            0m,
            Segments.Stable,
            [],
            []);
        var signals = SignalsOf(figures, history, thresholds, model.PAliveLowest);
        var (segment, reasons) = SegmentOf(figures, signals, model, thresholds);
        var atRisk = segment is Segments.AtRisk or Segments.Lost || signals.Count > 0;
        var valueAtRisk = atRisk ? Money((double)ltv * (1 - (value?.ProbabilityAlive ?? 0))) : 0m;
        // Exact arrays, none for no signal: a scoring keeps these for every patient of the clinic.
        return figures with
        {
            Segment = segment, Reasons = reasons.ToArray(), Signals = signals.Count == 0 ? [] : signals.ToArray(), ValueAtRisk = valueAtRisk,
        };
    }

    /// <summary>
    /// Seed 001's LTV: average check × visits per year × the clinic's expected lifetime in years. Visits per year are
    /// the patient's own: the intervals between their visits per year of the span (at least a year), or, with one
    /// visit, one per year since it (at least a year).
    /// </summary>
    public static decimal Ltv(PatientHistory history, DateOnly asOf, double lifetimeYears) =>
        Ltv(history.Amounts.Sum(), history.Days.Count, VisitsPerYear(history, asOf), lifetimeYears);

    private static decimal Ltv(decimal revenue, int visits, double visitsPerYear, double lifetimeYears) =>
        Money((double)(revenue / visits) * visitsPerYear * lifetimeYears);

    public static double VisitsPerYear(PatientHistory history, DateOnly asOf) =>
        VisitsPerYear(history.Days.Count, history.Days[0], history.Days[^1], asOf);

    private static double VisitsPerYear(int visits, DateOnly first, DateOnly last, DateOnly asOf) =>
        visits >= 2
            ? (visits - 1) / Math.Max((last.DayNumber - first.DayNumber) / CustomerValue.DaysPerYear, 1.0)
            : 1.0 / Math.Max((asOf.DayNumber - first.DayNumber) / CustomerValue.DaysPerYear, 1.0);

    /// <summary>
    /// How long a patient stays with this clinic: the mean span (first to last visit, plus one interval) of its patients
    /// who came at least twice and have not come for <see cref="SegmentThresholds.LostAfterDays"/> — when there are at
    /// least 30 of them; else the configured default.
    /// </summary>
    private static (double Years, string Source) Lifetime(FitInput[] visited, DateOnly asOf, SegmentThresholds thresholds, double defaultYears)
    {
        var lapsed = visited
            .Where(p => p.Visits >= 2 && asOf.DayNumber - p.Last.DayNumber > thresholds.LostAfterDays)
            .Select(p =>
            {
                var span = p.Last.DayNumber - p.First.DayNumber;
                return (span + (double)span / (p.Visits - 1)) / CustomerValue.DaysPerYear;
            })
            .ToList();
        return lapsed.Count >= 30 ? (Math.Max(lapsed.Average(), 1.0 / 12), "lapsed_patients") : (defaultYears, "default");
    }

    /// <summary>A regular rhythm: at least <see cref="SegmentThresholds.OverdueMinVisits"/> visits whose intervals vary little (coefficient of variation below <see cref="SegmentThresholds.RegularMaxIntervalCv"/>).</summary>
    public static bool IsRegular(PatientHistory history, SegmentThresholds t)
    {
        if (history.Days.Count < t.OverdueMinVisits)
        {
            return false;
        }

        var intervals = Enumerable.Range(1, history.Days.Count - 1).Select(i => (double)(history.Days[i].DayNumber - history.Days[i - 1].DayNumber)).ToArray();
        var mean = intervals.Average();
        if (mean <= 0)
        {
            return false;
        }

        var sd = Math.Sqrt(intervals.Sum(v => (v - mean) * (v - mean)) / intervals.Length);
        return sd / mean < t.RegularMaxIntervalCv;
    }

    private static List<Finding> SignalsOf(PatientFigures p, PatientHistory history, SegmentThresholds t, double? pAliveLowest)
    {
        // Which signal for whom, as the synthetic-clinic study found (docs/audience-models.md, section 9): the interval
        // rule for a regular rhythm, P(alive) for the rest with two visits or more, neither for a single visit.
        var signals = new List<Finding>();
        var regular = IsRegular(history, t);
        var pAliveLine = Math.Max(t.AtRiskBelowPAlive, pAliveLowest ?? 0);
        if (!regular && p.Value is { } value && p.Visits >= 2 && value.ProbabilityAlive < pAliveLine)
        {
            signals.Add(new Finding(Signals.LowProbabilityAlive,
                $"Вероятность, что пациент ещё с клиникой, {Percent(value.ProbabilityAlive)} — ниже {Percent(pAliveLine)}"));
        }

        if (regular && p.MedianIntervalDays is { } median && median > 0 && p.DaysSinceLastVisit > t.OverdueIntervalFactor * median)
        {
            signals.Add(new Finding(Signals.Overdue,
                $"Не приходит {Days(p.DaysSinceLastVisit!.Value)} — больше {t.OverdueIntervalFactor.ToString("0.#", Russian)} × обычного интервала ({Days((int)Math.Round(median))})"));
        }

        var asOf = p.AsOf.DayNumber;
        var lastYear = history.Days.Count(d => asOf - d.DayNumber < 365);
        var yearBefore = history.Days.Count(d => asOf - d.DayNumber is >= 365 and < 730);
        if (yearBefore >= 2 && lastYear < t.FallingFrequencyShare * yearBefore)
        {
            signals.Add(new Finding(Signals.FallingFrequency,
                $"Визитов за последний год: {lastYear}, за год до этого: {yearBefore}"));
        }

        foreach (var course in history.UnfinishedCourses)
        {
            signals.Add(new Finding(Signals.CourseUnfinished, $"Курс лечения {course} прерван: шаг отменён, следующей записи нет"));
        }

        return signals;
    }

    private static (string Segment, List<Finding> Reasons) SegmentOf(PatientFigures p, List<Finding> signals, ScopeModel model, SegmentThresholds t)
    {
        if (p.Visits == 0)
        {
            return (Segments.New, [new Finding("no_visit_yet", "Ещё ни одного состоявшегося визита")]);
        }

        var since = p.DaysSinceLastVisit!.Value;
        if (since > t.LostAfterDays)
        {
            return (Segments.Lost, [new Finding("no_visit_long", $"Последний визит {Days(since)} назад — дольше {Days(t.LostAfterDays)}")]);
        }

        if (p.Value is { } value && value.ProbabilityAlive < t.LostBelowPAlive && signals.Any(s => s.Code == Signals.Overdue))
        {
            return (Segments.Lost, [new Finding("p_alive_very_low", $"Вероятность, что пациент ещё с клиникой, {Percent(value.ProbabilityAlive)}, и визит просрочен"), .. signals]);
        }

        var unprofitable = new List<Finding>();
        var missRate = p.CancellationRate + p.NoShowRate;
        if (p.Bookings >= t.UnprofitableMinBookings && missRate >= t.UnprofitableMissRate)
        {
            unprofitable.Add(new Finding("misses", $"Отменяет или не приходит: {Percent(missRate)} записей (из {p.Bookings})"));
        }

        if (p.Visits >= 2 && p.DiscountShare >= t.UnprofitableDiscountShare)
        {
            unprofitable.Add(new Finding("discounts", $"Скидки — {Percent(p.DiscountShare)} стоимости визитов"));
        }

        if (p.LastRating is { } rating && rating <= t.UnprofitableMaxRating)
        {
            unprofitable.Add(new Finding("low_rating", $"Последняя оценка: {rating} из 5"));
        }

        if (unprofitable.Count > 0)
        {
            return (Segments.Unprofitable, unprofitable);
        }

        if (signals.Count > 0)
        {
            return (Segments.AtRisk, signals);
        }

        var share = (1 - t.VipLtvQuantile) * 100;
        if (p.Visits >= t.VipMinVisits && p.Ltv >= model.VipLtvLine && model.VipLtvLine > 0)
        {
            return (Segments.Vip, [new Finding("ltv_top", $"LTV {Rubles(p.Ltv)} — верхние {share.ToString("0.#", Russian)} %")]);
        }

        if (p.TenureDays <= t.NewWithinDays)
        {
            return (Segments.New, [new Finding("first_visit_recent", $"Первый визит {Days(p.TenureDays!.Value)} назад")]);
        }

        if (p.Visits == 1)
        {
            return (Segments.OneTime, [new Finding("one_visit", $"Один визит, {Days(since)} назад; LTV {Rubles(p.Ltv)}")]);
        }

        if (p.VisitsPerYear < 1 && p.Ltv <= model.OneTimeLtvLine)
        {
            return (Segments.OneTime, [new Finding("ltv_low_rare", $"Редкие визиты ({p.VisitsPerYear!.Value.ToString("0.##", Russian)} в год), LTV {Rubles(p.Ltv)} — нижние {OneTimeLtvQuantile * 100:0} %")]);
        }

        return (Segments.Stable, [new Finding("regular", $"Приходит регулярно: {p.VisitsPerYear!.Value.ToString("0.#", Russian)} в год, LTV {Rubles(p.Ltv)}")]);
    }

    /// <summary>The value at <paramref name="q"/> of sorted values (nearest rank), 0 for none.</summary>
    private static decimal Quantile(decimal[] sorted, double q) =>
        sorted.Length == 0 ? 0m : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>1–5: the fifth of the sorted values the value falls in (ties take the lower fifth's start).</summary>
    public static int Quintile(double[] sorted, double value)
    {
        if (sorted.Length == 0)
        {
            return 3; // nobody to rank against
        }

        var below = LowerBound(sorted, value);
        return Math.Clamp(1 + (int)(5.0 * below / sorted.Length), 1, 5);
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static decimal Money(double value) => double.IsFinite(value) ? decimal.Round((decimal)value, 2) : 0m;

    public static string Rubles(decimal amount) => $"{amount.ToString("N0", Russian)} ₽";

    private static string Percent(double share) => $"{(share * 100).ToString("0", Russian)} %";

    private static string Days(int days) => days switch
    {
        _ when days % 10 == 1 && days % 100 != 11 => $"{days} день",
        _ when days % 10 is >= 2 and <= 4 && days % 100 is < 12 or > 14 => $"{days} дня",
        _ => $"{days} дней",
    };
}
