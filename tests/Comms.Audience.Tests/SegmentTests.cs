using System.Text.Json;
using static Comms.Audience.Tests.AudienceApi;

namespace Comms.Audience.Tests;

/// <summary>Seed 001's worked example and the churn signals, through the import and the API as a clinic uses them.</summary>
public sealed class SegmentTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Fact]
    public async Task Seed_001s_patients_B_is_the_most_valuable_and_C_is_one_time()
    {
        using var client = app.CreateClient(AudienceApp.OtherClinicKey);
        // A: an ultrasound for 2,000 ₽ once a year; B: a cardiologist every three months, 8,000 ₽ each;
        // C: a certificate for 500 ₽ every five years. Each came last a month ago.
        var last = AsOf.AddMonths(-1);
        var rows = Visits("SEED-A", 2000, [.. Enumerable.Range(0, 5).Select(i => last.AddYears(-i)).Reverse()])
            .Concat(Visits("SEED-B", 8000, [.. Enumerable.Range(0, 12).Select(i => last.AddMonths(-3 * i)).Reverse()]))
            .Concat(Visits("SEED-C", 500, last.AddYears(-5), last));
        await client.ImportVisitsAsync(string.Join('\n', rows.Prepend("patientId,date,amount,status")), "spb-1");

        var a = await client.PatientAsync("SEED-A", $"{AsOf:yyyy-MM-dd}", "spb-1");
        var b = await client.PatientAsync("SEED-B", $"{AsOf:yyyy-MM-dd}", "spb-1");
        var c = await client.PatientAsync("SEED-C", $"{AsOf:yyyy-MM-dd}", "spb-1");

        // LTV = average check × visits per year × lifetime (the same lifetime for all three).
        Assert.Equal(1.0, a.GetProperty("visitsPerYear").GetDouble(), 2);
        Assert.Equal(4.0, b.GetProperty("visitsPerYear").GetDouble(), 1);
        Assert.Equal(0.2, c.GetProperty("visitsPerYear").GetDouble(), 2);
        var ltv = new[] { a, b, c }.Select(p => p.GetProperty("ltv").GetDecimal()).ToArray();
        Assert.True(ltv[1] > ltv[0] && ltv[0] > ltv[2], string.Join(", ", ltv));
        Assert.InRange(ltv[1] / ltv[0], 15.9m, 16.1m); // 8,000 × 4 against 2,000 × 1
        Assert.Equal("vip", b.GetProperty("segment").GetString());
        Assert.Contains("верхние 10 %", b.GetProperty("reasons")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("stable", a.GetProperty("segment").GetString());
        Assert.Equal("one_time", c.GetProperty("segment").GetString());
        Assert.Equal(["ltv_low_rare"], c.GetProperty("reasons").Codes());

        var vips = await client.PatientsAsync($"asOf={AsOf:yyyy-MM-dd}&segment=vip", "spb-1");
        Assert.Equal(["SEED-B"], vips.GetProperty("patients").EnumerateArray().Select(p => p.GetProperty("patientId").GetString()).Where(id => id!.StartsWith("SEED-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_patient_who_stops_coming_gets_a_churn_signal_and_one_who_keeps_coming_none()
    {
        using var client = app.CreateClinicClient();
        // Both came every 60 days for two years; one stopped 200 days ago.
        var rows = Visits("CHURN-STOPPED", 3000, Every(AsOf.AddDays(-900), AsOf.AddDays(-200), 60))
            .Concat(Visits("CHURN-STAYING", 3000, Every(AsOf.AddDays(-900), AsOf.AddDays(-10), 60)));
        await client.ImportVisitsAsync(string.Join('\n', rows.Prepend("patientId,date,amount,status")));

        var stopped = await client.PatientAsync("CHURN-STOPPED", $"{AsOf:yyyy-MM-dd}");
        var staying = await client.PatientAsync("CHURN-STAYING", $"{AsOf:yyyy-MM-dd}");

        Assert.Equal("at_risk", stopped.GetProperty("segment").GetString());
        Assert.Contains("overdue", stopped.GetProperty("signals").Codes());
        Assert.True(stopped.GetProperty("valueAtRisk").GetDecimal() > 0);
        Assert.Empty(staying.GetProperty("signals").EnumerateArray());
        Assert.NotEqual("at_risk", staying.GetProperty("segment").GetString());

        var atRisk = await client.PatientsAsync($"asOf={AsOf:yyyy-MM-dd}&signal=overdue");
        var ids = atRisk.GetProperty("patients").EnumerateArray().Select(p => p.GetProperty("patientId").GetString()).ToList();
        Assert.Contains("CHURN-STOPPED", ids);
        Assert.DoesNotContain("CHURN-STAYING", ids);
    }

    [Fact]
    public async Task A_course_left_after_a_cancelled_step_is_a_signal()
    {
        using var client = app.CreateClinicClient();
        await client.ImportVisitsAsync($"""
            patientId,date,amount,status,courseId,cancelledBy
            COURSE-1,{AsOf.AddDays(-60):yyyy-MM-dd},4000,completed,IMPLANT-7,
            COURSE-1,{AsOf.AddDays(-30):yyyy-MM-dd},,cancelled,IMPLANT-7,patient
            COURSE-2,{AsOf.AddDays(-60):yyyy-MM-dd},4000,completed,IMPLANT-8,
            COURSE-2,{AsOf.AddDays(-30):yyyy-MM-dd},,cancelled,IMPLANT-8,patient
            COURSE-2,{AsOf.AddDays(-20):yyyy-MM-dd},4000,completed,IMPLANT-8,
            """);

        var left = await client.PatientAsync("COURSE-1", $"{AsOf:yyyy-MM-dd}");
        var resumed = await client.PatientAsync("COURSE-2", $"{AsOf:yyyy-MM-dd}");

        Assert.Equal(["course_unfinished"], left.GetProperty("signals").Codes());
        Assert.Empty(resumed.GetProperty("signals").EnumerateArray());
    }
}
