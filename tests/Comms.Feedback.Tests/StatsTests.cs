using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Feedback.Tests;

public sealed class StatsTests(FeedbackApp app) : IClassFixture<FeedbackApp>
{
    [Fact]
    public async Task Stats_count_average_distribution_nps_response_rate_and_latest_reviews_of_a_known_set()
    {
        await using var visits = await Visits.OpenAsync(app);
        var clinic = "stats-" + Guid.NewGuid().ToString("N")[..8];
        // Five visits asked, four answered: 5, 4, 2 with D-5 and 1 with D-9; one not answered.
        (string Doctor, string? Reply, string? Review)[] set =
        [
            ("D-5", "5", "Отлично"), ("D-5", "4", null), ("D-5", "2", "=HYPERLINK(\"http://x\")"), ("D-9", "1", "Долго ждали"), ("D-5", null, null),
        ];
        foreach (var (doctor, reply, review) in set)
        {
            var id = Visits.NewId();
            var request = await visits.CompleteAsync(clinic, id, doctorId: doctor);
            await visits.SendAsync(clinic, id);
            if (reply is null)
            {
                continue;
            }

            await visits.ReplyAsync(request, reply);
            var rated = await visits.RequestAsync(clinic, id, r => r.FollowUpMessageId is not null);
            if (review is not null)
            {
                await visits.ReplyAsync(request, review, expectedReply: "review", inReplyTo: rated.FollowUpMessageId);
                await visits.RequestAsync(clinic, id, r => r.Review is not null);
            }
        }

        using var api = Client(FeedbackApp.OperatorKey);
        var stats = await api.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/stats?clinicId={clinic}");

        Assert.Equal("stars5", stats.GetProperty("scale").GetString());
        Assert.Equal((5, 4), (stats.GetProperty("asked").GetInt32(), stats.GetProperty("answered").GetInt32()));
        Assert.Equal(0.8, stats.GetProperty("responseRate").GetDouble());
        Assert.Equal(3.0, stats.GetProperty("average").GetDouble());
        Assert.Equal(
            new Dictionary<string, int> { ["1"] = 1, ["2"] = 1, ["3"] = 0, ["4"] = 1, ["5"] = 1 },
            stats.GetProperty("distribution").Deserialize<Dictionary<string, int>>());
        var nps = stats.GetProperty("nps");
        Assert.Equal((1, 1, 2, -25.0), (nps.GetProperty("promoters").GetInt32(), nps.GetProperty("passives").GetInt32(), nps.GetProperty("detractors").GetInt32(), nps.GetProperty("score").GetDouble()));
        Assert.Equal(3, stats.GetProperty("reviews").GetInt32());
        Assert.Equal("Долго ждали", stats.GetProperty("latestReviews")[0].GetProperty("text").GetString());

        var doctor9 = await api.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/stats?clinicId={clinic}&doctorId=D-9");
        Assert.Equal((1, 1.0), (doctor9.GetProperty("answered").GetInt32(), doctor9.GetProperty("average").GetDouble()));
        var future = await api.GetFromJsonAsync<JsonElement>($"/api/v1/feedback/stats?clinicId={clinic}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}");
        Assert.Equal(0, future.GetProperty("asked").GetInt32());

        var csv = await api.GetStringAsync($"/api/v1/feedback/export.csv?clinicId={clinic}");
        var lines = csv.TrimEnd().Split('\n');
        Assert.StartsWith("ClinicId,AppointmentId,PatientId,DoctorId", lines[0].TrimStart('\uFEFF'));
        Assert.Equal(6, lines.Length);
        // A review that starts with "=" does not become a spreadsheet formula.
        Assert.Contains("'=HYPERLINK", csv);
    }

    [Fact]
    public async Task The_api_gives_the_excel_form_of_the_file_on_request_and_refuses_an_unknown_one()
    {
        await using var visits = await Visits.OpenAsync(app);
        var clinic = "xl-" + Guid.NewGuid().ToString("N")[..8];
        var id = Visits.NewId();
        await visits.CompleteAsync(clinic, id, doctorId: "D-5");
        await visits.SendAsync(clinic, id);
        using var api = Client(FeedbackApp.OperatorKey);

        var excel = await api.GetStringAsync($"/api/v1/feedback/export.csv?clinicId={clinic}&format=excel");
        using var unknown = await api.GetAsync($"/api/v1/feedback/export.csv?clinicId={clinic}&format=xlsx");

        var lines = excel.TrimStart('\uFEFF').TrimEnd().Split("\r\n");
        Assert.StartsWith("Клиника;Визит (номер в МИС);", lines[0], StringComparison.Ordinal);
        var row = Assert.Single(lines[1..]).Split(';');
        Assert.Equal((clinic, id, "D-5", "отправлен"), (row[0], row[1], row[3], row[9]));
        Assert.Matches(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$", row[11]);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var problem = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("format", out _));
    }

    [Fact]
    public async Task Results_need_a_key_and_a_clinics_key_sees_only_its_clinic()
    {
        using var anonymous = app.Factory.CreateClient();
        using var clinic = Client(FeedbackApp.ClinicKey);

        using var noKey = await anonymous.GetAsync("/api/v1/feedback/stats");
        using var other = await clinic.GetAsync("/api/v1/feedback/stats?clinicId=another-clinic");
        using var own = await clinic.GetAsync("/api/v1/feedback/export.csv");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("application/problem+json", noKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_clinics_key_exports_its_own_clinic_only()
    {
        await using var visits = await Visits.OpenAsync(app);
        var own = Visits.NewId();
        var foreign = Visits.NewId();
        await visits.CompleteAsync(FeedbackApp.ClinicId, own);
        await visits.CompleteAsync("elsewhere-" + Guid.NewGuid().ToString("N")[..6], foreign);
        using var clinic = Client(FeedbackApp.ClinicKey);

        var csv = await clinic.GetStringAsync("/api/v1/feedback/export.csv");

        Assert.Contains(own, csv);
        Assert.DoesNotContain(foreign, csv);
    }

    private HttpClient Client(string key)
    {
        var client = app.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
