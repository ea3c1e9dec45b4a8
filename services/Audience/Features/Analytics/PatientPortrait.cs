using Comms.Audience.Features.Scoring;

namespace Comms.Audience.Features.Analytics;

/// <summary>Who a patient is, as far as the portrait goes (the <c>patients</c> table; all unknown when the MIS never said).</summary>
/// <param name="PreferredChannel">The channel the patient is best reached on (<see cref="PatientPortraits.PreferredChannel"/>); null when nothing tells.</param>
public sealed record PatientTraits(
    DateOnly? BirthDate, string? Sex, string? City, string? District, string? AcquisitionSource, string? ReferredBy, string? PreferredChannel = null);

/// <summary>How Comms' messages to a patient went on one channel: answered, delivered, the last one sent on its way.</summary>
public sealed record ChannelUse(string Channel, int Answered, int Delivered, DateTimeOffset? Last);

/// <summary>One group of a portrait's distribution: its code, its Russian name, how many patients, their share of the group.</summary>
public sealed record PortraitShare(string Key, string Label, int Patients, double Share);

/// <summary>
/// What patients who came by recommendation are worth against the others: the average LTV of each (patients with at
/// least one completed visit), and their ratio (1.35: referred patients are worth 35 % more). Null where a group is empty.
/// </summary>
public sealed record ReferralValue(int Referred, decimal? ReferredAverageLtv, int Others, decimal? OthersAverageLtv, double? Ratio);

/// <summary>The portrait of a group of patients (a segment, or all of them) as of a date.</summary>
/// <param name="Segment">The segment's code; null for every patient of the clinic.</param>
public sealed record Portrait(
    string? Segment,
    string Title,
    int Patients,
    IReadOnlyList<PortraitShare> Ages,
    IReadOnlyList<PortraitShare> Sexes,
    IReadOnlyList<PortraitShare> Cities,
    IReadOnlyList<PortraitShare> Districts,
    IReadOnlyList<PortraitShare> Sources,
    IReadOnlyList<PortraitShare> Channels,
    ReferralValue Referral);

/// <summary>A clinic's portrait: all its patients, then each segment (every segment, in <see cref="Segments.All"/>'s order).</summary>
public sealed record ClinicPortrait(string ClinicId, DateOnly AsOf, Portrait All, IReadOnlyList<Portrait> Segments);

/// <summary>
/// The patient portrait: age bands as of the date, sex, the ten commonest cities and districts, how patients came, and
/// the value of those who came by recommendation against the others. Pure: the same figures and traits give the same
/// portrait.
/// </summary>
public static class PatientPortraits
{
    public const string Unknown = "unknown";
    public const string Other = "other";
    public const string Referral = "referral";

    /// <summary>How many cities, districts and sources are named; the rest are summed as «остальные».</summary>
    public const int Top = 10;

    public static readonly IReadOnlyList<(string Key, string Label)> AgeBands =
    [
        ("under_18", "до 18"), ("18_29", "18–29"), ("30_44", "30–44"), ("45_59", "45–59"), ("60_plus", "60+"), (Unknown, "не указан"),
    ];

    public static ClinicPortrait Of(string clinicId, DateOnly asOf, IReadOnlyCollection<PatientFigures> patients, IReadOnlyDictionary<string, PatientTraits> traits)
    {
        var pairs = patients.Select(p => (Figures: p, Traits: traits.GetValueOrDefault(p.PatientId))).ToList();
        return new ClinicPortrait(
            clinicId,
            asOf,
            Of(null, asOf, pairs),
            [.. Segments.All.Select(s => Of(s, asOf, [.. pairs.Where(p => p.Figures.Segment == s)]))]);
    }

    public static Portrait Of(string? segment, DateOnly asOf, IReadOnlyList<(PatientFigures Figures, PatientTraits? Traits)> patients)
    {
        var total = patients.Count;
        var ages = patients.GroupBy(p => AgeBand(p.Traits?.BirthDate, asOf)).ToDictionary(g => g.Key, g => g.Count());
        var sexes = patients.GroupBy(p => SexOf(p.Traits?.Sex)).ToDictionary(g => g.Key, g => g.Count());
        var channels = patients.GroupBy(p => p.Traits?.PreferredChannel is { } c && ChannelTitles.Any(t => t.Key == c) ? c : Unknown)
            .ToDictionary(g => g.Key, g => g.Count());
        return new Portrait(
            segment,
            segment is null ? "Все пациенты" : Segments.Title(segment),
            total,
            [.. AgeBands.Select(b => Share(b.Key, b.Label, ages.GetValueOrDefault(b.Key), total))],
            [.. new[] { ("female", "женщины"), ("male", "мужчины"), (Unknown, "не указан") }.Select(s => Share(s.Item1, s.Item2, sexes.GetValueOrDefault(s.Item1), total))],
            Commonest(patients.Select(p => p.Traits?.City), total, text => text),
            Commonest(patients.Select(p => p.Traits?.District), total, text => text),
            Commonest(patients.Select(p => p.Traits?.AcquisitionSource), total, SourceTitle),
            [.. ChannelTitles.Select(c => Share(c.Key, c.Label, channels.GetValueOrDefault(c.Key), total))],
            ReferralOf(patients));
    }

    /// <summary>The age band as of the date (a birthday counts from its day); «не указан» without a birth date or with one after the date.</summary>
    public static string AgeBand(DateOnly? birthDate, DateOnly asOf)
    {
        if (birthDate is not { } birth || birth > asOf)
        {
            return Unknown;
        }

        var age = asOf.Year - birth.Year - (asOf.Month < birth.Month || (asOf.Month == birth.Month && asOf.Day < birth.Day) ? 1 : 0);
        return age switch
        {
            < 18 => "under_18",
            < 30 => "18_29",
            < 45 => "30_44",
            < 60 => "45_59",
            _ => "60_plus",
        };
    }

    /// <summary>The channels in the portrait's order, with their Russian names; «не известен» when nothing tells.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> ChannelTitles =
    [
        ("sms", "SMS"), ("max", "MAX"), ("whatsapp", "WhatsApp"), ("email", "эл. почта"), (Unknown, "не известен"),
    ];

    private static readonly Dictionary<string, int> ChannelOrder =
        ChannelTitles.Select((c, i) => (c.Key, i)).ToDictionary(c => c.Key, c => c.i, StringComparer.Ordinal);

    /// <summary>
    /// The channel a patient is best reached on: the one whose messages they answered most (then the most delivered,
    /// then the latest); without an answer, the one with the most messages delivered; without a delivered message, a
    /// channel they consented to (a service consent before a marketing one, then SMS, MAX, WhatsApp, e-mail); null
    /// when nothing tells.
    /// </summary>
    public static string? PreferredChannel(IEnumerable<ChannelUse> messages, IEnumerable<(string Channel, string Purpose)> grantedConsents)
    {
        var used = messages.ToList();
        var answered = used.Where(u => u.Answered > 0).OrderByDescending(u => u.Answered).ThenByDescending(u => u.Delivered).ThenByDescending(u => u.Last).FirstOrDefault();
        if (answered is not null)
        {
            return answered.Channel;
        }

        var delivered = used.Where(u => u.Delivered > 0).OrderByDescending(u => u.Delivered).ThenByDescending(u => u.Last).FirstOrDefault();
        if (delivered is not null)
        {
            return delivered.Channel;
        }

        return grantedConsents
            .Where(c => c.Channel != Unknown && ChannelOrder.ContainsKey(c.Channel))
            .OrderBy(c => c.Purpose == "service" ? 0 : 1)
            .ThenBy(c => ChannelOrder[c.Channel])
            .Select(c => c.Channel)
            .FirstOrDefault();
    }

    /// <summary>Came by recommendation: the source says <c>referral</c>, or the MIS names who referred them.</summary>
    public static bool IsReferred(PatientTraits? traits) =>
        traits is not null && (string.Equals(traits.AcquisitionSource?.Trim(), Referral, StringComparison.OrdinalIgnoreCase)
            || !string.IsNullOrWhiteSpace(traits.ReferredBy));

    /// <summary>The MIS's source codes in Russian; a clinic's own code as it is.</summary>
    public static string SourceTitle(string code) => code.ToLowerInvariant() switch
    {
        Referral => "по рекомендации",
        "site" => "сайт",
        "aggregator" => "агрегатор",
        "advertising" => "реклама",
        _ => code,
    };

    private static string SexOf(string? sex) => sex?.Trim().ToLowerInvariant() switch
    {
        "female" => "female",
        "male" => "male",
        _ => Unknown,
    };

    private static ReferralValue ReferralOf(IReadOnlyList<(PatientFigures Figures, PatientTraits? Traits)> patients)
    {
        var visited = patients.Where(p => p.Figures.Visits > 0).ToList();
        var referred = visited.Where(p => IsReferred(p.Traits)).Select(p => p.Figures.Ltv).ToList();
        var others = visited.Where(p => !IsReferred(p.Traits)).Select(p => p.Figures.Ltv).ToList();
        decimal? referredAverage = referred.Count == 0 ? null : decimal.Round(referred.Average(), 2);
        decimal? othersAverage = others.Count == 0 ? null : decimal.Round(others.Average(), 2);
        double? ratio = referredAverage is { } r && othersAverage is { } o && o > 0 ? (double)(r / o) : null;
        return new ReferralValue(referred.Count, referredAverage, others.Count, othersAverage, ratio);
    }

    /// <summary>
    /// The <see cref="Top"/> commonest values (the same text in another case or with spaces around is the same value,
    /// named as most patients wrote it), then «остальные» and «не указан» when there are any.
    /// </summary>
    private static List<PortraitShare> Commonest(IEnumerable<string?> values, int total, Func<string, string> title)
    {
        var known = new List<string>();
        var unknown = 0;
        foreach (var value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                unknown++;
            }
            else
            {
                known.Add(value.Trim());
            }
        }

        var groups = known.GroupBy(v => v, StringComparer.OrdinalIgnoreCase)
            .Select(g => (Name: g.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(s => s.Count()).ThenBy(s => s.Key, StringComparer.Ordinal).First().Key, Count: g.Count()))
            .Select(g => (g.Name, Label: title(g.Name), g.Count))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Label, StringComparer.Ordinal)
            .ToList();
        var shares = groups.Take(Top).Select(g => Share(g.Name, g.Label, g.Count, total)).ToList();
        var rest = groups.Skip(Top).Sum(g => g.Count);
        if (rest > 0)
        {
            shares.Add(Share(Other, "остальные", rest, total));
        }

        if (unknown > 0)
        {
            shares.Add(Share(Unknown, "не указан", unknown, total));
        }

        return shares;
    }

    private static PortraitShare Share(string key, string label, int patients, int total) =>
        new(key, label, patients, total == 0 ? 0 : (double)patients / total);
}
