using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Scoring;

namespace Comms.Audience.Tests;

/// <summary>The portrait, the segments' summary and the Russian numbers, on figures made by hand (no database).</summary>
public sealed class AnalyticsPortraitTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Theory]
    [InlineData("2008-07-01", "under_18")] // 18 tomorrow
    [InlineData("2008-06-30", "18_29")] // 18 today
    [InlineData("1996-07-01", "18_29")] // 29 until tomorrow
    [InlineData("1996-06-30", "30_44")]
    [InlineData("1981-07-01", "30_44")]
    [InlineData("1981-06-30", "45_59")]
    [InlineData("1966-06-30", "60_plus")]
    [InlineData("1930-01-01", "60_plus")]
    [InlineData("2026-07-01", "unknown")] // born after the date: a mistake, not a baby
    [InlineData(null, "unknown")]
    public void The_age_band_is_the_age_as_of_the_date(string? birthDate, string band) =>
        Assert.Equal(band, PatientPortraits.AgeBand(birthDate is null ? null : DateOnly.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture), AsOf));

    [Fact]
    public void Every_band_and_sex_is_listed_in_order_with_its_share_and_unknown_ones_are_not_specified()
    {
        var portrait = PatientPortraits.Of(null, AsOf, [
            Patient("1", traits: Traits(birth: new(2010, 1, 1), sex: "female")),
            Patient("2", traits: Traits(birth: new(1990, 1, 1), sex: "FEMALE")),
            Patient("3", traits: Traits(birth: new(1950, 1, 1), sex: "male")),
            Patient("4", traits: null),
        ]);

        Assert.Equal(4, portrait.Patients);
        Assert.Equal(["до 18", "18–29", "30–44", "45–59", "60+", "не указан"], portrait.Ages.Select(a => a.Label));
        Assert.Equal([1, 0, 1, 0, 1, 1], portrait.Ages.Select(a => a.Patients));
        Assert.Equal(0.25, portrait.Ages[0].Share);
        Assert.Equal([("female", 2), ("male", 1), ("unknown", 1)], portrait.Sexes.Select(s => (s.Key, s.Patients)));
        Assert.Equal(["женщины", "мужчины", "не указан"], portrait.Sexes.Select(s => s.Label));
    }

    [Fact]
    public void Cities_are_the_ten_commonest_one_name_whatever_the_case_then_the_rest_then_the_unknown()
    {
        var patients = new List<(PatientFigures, PatientTraits?)>();
        for (var i = 0; i < 12; i++)
        {
            // City 0 has 12 patients, city 1 eleven, … city 11 one.
            for (var n = 0; n < 12 - i; n++)
            {
                patients.Add(Patient($"{i}-{n}", traits: Traits(city: i == 0 && n % 2 == 1 ? " москва " : i == 0 ? "Москва" : $"Город {i:00}")));
            }
        }

        patients.Add(Patient("no-city", traits: Traits(city: "  ")));

        var cities = PatientPortraits.Of(null, AsOf, patients).Cities;

        Assert.Equal(12, cities.Count);
        Assert.Equal(("Москва", 12), (cities[0].Label, cities[0].Patients));
        Assert.Equal(("Город 09", 3), (cities[9].Label, cities[9].Patients));
        Assert.Equal(("other", "остальные", 3), (cities[10].Key, cities[10].Label, cities[10].Patients)); // cities 10 and 11: 2 + 1
        Assert.Equal(("unknown", "не указан", 1), (cities[11].Key, cities[11].Label, cities[11].Patients));
        Assert.Equal(patients.Count, cities.Sum(c => c.Patients));
    }

    [Fact]
    public void Sources_are_named_in_russian_and_a_clinics_own_code_is_kept()
    {
        var sources = PatientPortraits.Of(null, AsOf, [
            Patient("1", traits: Traits(source: "referral")),
            Patient("2", traits: Traits(source: "referral")),
            Patient("3", traits: Traits(source: "site")),
            Patient("4", traits: Traits(source: "aggregator")),
            Patient("5", traits: Traits(source: "advertising")),
            Patient("6", traits: Traits(source: "радио")),
        ]).Sources;

        Assert.Equal(["по рекомендации", "агрегатор", "радио", "реклама", "сайт"], sources.Select(s => s.Label));
    }

    [Fact]
    public void Referred_patients_are_those_of_source_referral_or_with_a_referrer_and_their_average_ltv_is_set_against_the_others()
    {
        var portrait = PatientPortraits.Of(null, AsOf, [
            Patient("r1", ltv: 13_500, traits: Traits(source: "Referral")),
            Patient("r2", ltv: 27_000, traits: Traits(source: "site", referredBy: "P-7")),
            Patient("o1", ltv: 10_000, traits: Traits(source: "site")),
            Patient("o2", ltv: 20_000, traits: null),
            Patient("no-visit", ltv: 0, visits: 0, traits: Traits(source: "referral")), // not yet worth anything: left out
        ]);

        var r = portrait.Referral;
        Assert.Equal((2, 20_250m, 2, 15_000m), (r.Referred, r.ReferredAverageLtv, r.Others, r.OthersAverageLtv));
        Assert.Equal(1.35, r.Ratio!.Value, 6); // 35 % more: what the market says (30–40 %)
        Assert.True(PatientPortraits.IsReferred(Traits(referredBy: "P-1")));
        Assert.False(PatientPortraits.IsReferred(Traits(source: "site", referredBy: " ")));
        Assert.False(PatientPortraits.IsReferred(null));
    }

    [Fact]
    public void Without_referred_patients_or_without_others_there_is_no_ratio()
    {
        var none = PatientPortraits.Of(null, AsOf, [Patient("o", traits: Traits(source: "site"))]).Referral;
        var only = PatientPortraits.Of(null, AsOf, [Patient("r", traits: Traits(source: "referral"))]).Referral;
        var empty = PatientPortraits.Of("vip", AsOf, []);

        Assert.Equal((0, (decimal?)null, (double?)null), (none.Referred, none.ReferredAverageLtv, none.Ratio));
        Assert.Equal((1, 0, (double?)null), (only.Referred, only.Others, only.Ratio));
        Assert.Equal((0, "VIP"), (empty.Patients, empty.Title));
        Assert.All(empty.Ages, a => Assert.Equal(0, a.Share));
    }

    [Fact]
    public void The_clinics_portrait_has_every_patient_then_each_segment_in_order()
    {
        var clinic = PatientPortraits.Of("msk-1", AsOf,
            [Patient("1", segment: Segments.Vip).Item1, Patient("2", segment: Segments.AtRisk).Item1, Patient("3", segment: Segments.AtRisk).Item1],
            new Dictionary<string, PatientTraits> { ["2"] = Traits(sex: "male") });

        Assert.Equal(3, clinic.All.Patients);
        Assert.Equal(Segments.All, clinic.Segments.Select(s => s.Segment!));
        var atRisk = clinic.Segments.Single(s => s.Segment == Segments.AtRisk);
        Assert.Equal((2, "В зоне риска", 1), (atRisk.Patients, atRisk.Title, atRisk.Sexes.Single(s => s.Key == "male").Patients));
    }

    [Fact]
    public void The_segments_summary_gives_each_segment_its_count_share_and_ltv_and_the_at_risk_list_the_most_at_stake_first()
    {
        PatientFigures[] patients =
        [
            Patient("v1", ltv: 90_000, segment: Segments.Vip).Item1,
            Patient("s1", ltv: 6_000, segment: Segments.Stable).Item1,
            Patient("s2", ltv: 4_000, segment: Segments.Stable).Item1,
            Patient("r1", ltv: 20_000, segment: Segments.AtRisk, atRisk: 5_000).Item1,
            Patient("r0", ltv: 30_000, segment: Segments.AtRisk, atRisk: 5_000).Item1,
            Patient("r2", ltv: 10_000, segment: Segments.AtRisk, atRisk: 9_000).Item1,
            Patient("l1", ltv: 40_000, segment: Segments.Lost, atRisk: 36_000).Item1,
        ];

        var rows = SegmentSummary.Of(patients);

        Assert.Equal(Segments.All, rows.Select(r => r.Segment));
        var stable = rows.Single(r => r.Segment == Segments.Stable);
        Assert.Equal((2, 2.0 / 7, 10_000m, 5_000m), (stable.Patients, stable.Share, stable.TotalLtv, stable.AverageLtv));
        Assert.Equal(0.05, stable.LtvShare, 6);
        Assert.Equal((0, (decimal?)null), (rows.Single(r => r.Segment == Segments.New).Patients, rows.Single(r => r.Segment == Segments.New).AverageLtv));
        Assert.Equal(["r2", "r0", "r1"], SegmentSummary.AtRisk(patients, withLost: false).Select(p => p.PatientId));
        Assert.Equal(["l1", "r2", "r0", "r1"], SegmentSummary.AtRisk(patients, withLost: true).Select(p => p.PatientId));
    }

    [Fact]
    public void Money_and_counted_words_read_as_russian()
    {
        Assert.Equal("48\u00A0000\u00A0₽", RussianFormat.Rubles(48_000m));
        Assert.Equal("1\u00A0235\u00A0₽", RussianFormat.Rubles(1_234.50m));
        Assert.Equal("12\u00A0%", RussianFormat.Percent(0.123));
        Assert.Equal("0,4\u00A0%", RussianFormat.Percent(0.004));
        Assert.Equal("30 июня 2026", RussianFormat.Date(AsOf));
        Assert.Equal(["1 пациент", "3 пациента", "5 пациентов", "11 пациентов", "21 пациент", "1\u00A0004 пациента"],
            new[] { 1, 3, 5, 11, 21, 1004 }.Select(n => RussianFormat.Count(n, "пациент", "пациента", "пациентов")));
        Assert.Equal(["1 год", "3 года", "5 лет", "2,7 года"], new[] { 1.0, 3.0, 5.0, 2.66 }.Select(RussianFormat.Years));
        Assert.Equal(["1 день", "540 дней", "1\u00A0748 дней", "30,1 дня", "22 дня", "106 дней"],
            new[] { (1.0, 0), (540.0, 0), (1748.04, 1), (30.08, 1), (22.0, 1), (105.6, 0) }.Select(d => RussianFormat.Days(d.Item1, d.Item2)));
    }

    private static PatientTraits Traits(DateOnly? birth = null, string? sex = null, string? city = null, string? source = null, string? referredBy = null) =>
        new(birth, sex, city, null, source, referredBy);

    private static (PatientFigures, PatientTraits?) Patient(
        string id, decimal ltv = 10_000, int visits = 2, string segment = Segments.Stable, decimal atRisk = 0, PatientTraits? traits = null) =>
        (new PatientFigures("msk-1", id, AsOf, visits, null, null, null, null, 0, null, null, null, visits, 0, 0, 0, null, null, ltv, null, atRisk,
            segment, [], []), traits);
}
