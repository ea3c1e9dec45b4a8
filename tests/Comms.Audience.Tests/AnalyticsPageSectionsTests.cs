using Comms.Audience.Features.Analytics;
using Comms.Audience.Features.Channels;
using Comms.Audience.Features.Scoring;

namespace Comms.Audience.Tests;

/// <summary>The page's «Каналы» and «Когда напоминать» sections, rendered from figures made here.</summary>
public sealed class AnalyticsPageSectionsTests
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Fact]
    public void The_channel_table_the_best_lead_time_and_the_recall_intervals_are_shown_in_Russian()
    {
        var channels = new[]
        {
            new ChannelRow("sms", null, null, 40, 40, 38, null, 0, 2, 30, 26, 3, 0.95, 0.75, 0.65, 0.1, 0.4, 140m, 3.68m, 5.38m, 12),
            new ChannelRow("max", null, null, 10, 10, 10, null, 0, 0, 9, 8, 1, 1.0, 0.9, 0.8, null, null, 0m, 0m, 0m, 4),
        };
        var timing = new[]
        {
            new TimingRow("confirmation", "lead:72h", 25, 0.52, 0.12),
            new TimingRow("confirmation", "lead:24h", 30, 0.7, 0.05),
            new TimingRow("confirmation", "lead:2h", 5, 0.9, 0.0), // best rate, too few to recommend
            new TimingRow("confirmation", "hour:10", 30, 0.7, 0.05),
            new TimingRow("reminder", "lead:2h", 12, null, 0.08),
        };
        var recall = new[]
        {
            new RecallRow("service", "DENT-HYG", 120, 60, 182, 170, 200, 182),
            new RecallRow("specialty", "Стоматолог", 300, 100, 150, 90, 200, 150),
        };

        var html = Render(channels, timing, recall);

        Assert.Contains("<tr data-channel=\"sms\"><td>SMS</td><td class=\"n\">40</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-channel=\"max\"><td>MAX</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n wide\">5&#160;₽</td>", html, StringComparison.Ordinal); // the cost per confirmed visit, rounded (no-break space)
        Assert.Contains("Чаще всего подтверждают запрос, отправленный <b>за 12–48 часов</b>: 70&#160;% из 30", html, StringComparison.Ordinal);
        Assert.Contains("data-bucket=\"reminder:lead:2h\"><td>напоминание</td><td>меньше чем за 12 часов</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hour:10", html, StringComparison.Ordinal); // the hours stay in the API
        Assert.Contains("<tr data-service=\"DENT-HYG\"><td>DENT-HYG</td><td class=\"n\">120</td><td class=\"n\">60</td>", html, StringComparison.Ordinal);
        Assert.Contains("<b>182 дня</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Стоматолог", html, StringComparison.Ordinal); // specialties: the API
    }

    [Fact]
    public void Without_messages_the_sections_say_so_and_too_few_confirmations_give_no_advice()
    {
        var empty = Render([], [], []);
        Assert.Contains("<p id=\"channels-empty\">За этот период Comms не отправлял сообщений пациентам клиники.</p>", empty, StringComparison.Ordinal);
        Assert.Contains("id=\"timing-empty\"", empty, StringComparison.Ordinal);
        Assert.Contains("id=\"recall-empty\"", empty, StringComparison.Ordinal);

        var few = Render([], [new TimingRow("confirmation", "lead:24h", 19, 0.9, 0.0)], []);
        Assert.Contains("Для совета мало данных: нужно хотя бы 20 запросов подтверждения", few, StringComparison.Ordinal);
    }

    private static string Render(IReadOnlyList<ChannelRow> channels, IReadOnlyList<TimingRow> timing, IReadOnlyList<RecallRow> recall)
    {
        var histories = Enumerable.Range(0, 3).Select(i =>
        {
            var history = new PatientHistory { ClinicId = "msk-1", PatientId = $"P-{i}" };
            history.Days.AddRange([AsOf.AddDays(-200 - i), AsOf.AddDays(-20 - i)]);
            history.Amounts.AddRange([2000m, 2500m]);
            history.Bookings = 2;
            return history;
        }).ToList();
        var options = new AudienceOptions();
        var scores = ScopeScorer.Score(["msk-1"], AsOf, histories, options, new SegmentThresholds(), options.DefaultHorizonDays);
        var patients = scores.Patients.Values.ToList();
        var figures = new AnalyticsPage.Figures(scores.Model, patients, PatientPortraits.Of("msk-1", AsOf, patients, new Dictionary<string, PatientTraits>()),
            channels, timing, recall);
        return AnalyticsPage.Render(new AnalyticsPage.View("Руководитель", ["msk-1"], "msk-1", AsOf, AsOf.AddDays(-89), AsOf, null, "at_risk", 1,
            figures, options.MinimumRepeatPatients, "http://localhost:5109"));
    }
}
