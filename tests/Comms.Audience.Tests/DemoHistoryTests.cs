using System.Net.Http.Json;
using System.Text.Json;
using Comms.Benchmarks.Audience;
using Comms.DemoHistory;

namespace Comms.Audience.Tests;

/// <summary>The demo chain's history that ./tools/up loads: it imports whole, and the clinic's analytics are not empty.</summary>
public sealed class DemoHistoryTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    [Fact]
    public async Task A_demo_clinics_history_imports_without_a_rejected_row_and_fills_every_segment_and_the_portrait()
    {
        var lastDay = new DateOnly(2026, 6, 29);
        var clinic = DemoClinic.Chain.Single(c => c.ClinicId == "msk-1");
        var history = SyntheticClinic.Generate(2_000, 10_000, lastDay, seed: 20261207);
        var directory = Directory.CreateTempSubdirectory("comms-demo-test-");
        try
        {
            var patients = Path.Combine(directory.FullName, "patients.csv");
            var visits = Path.Combine(directory.FullName, "visits.csv");
            await DemoPatients.WriteCsvAsync(patients, history, clinic, 20261207, TestContext.Current.CancellationToken);
            await history.WriteCsvAsync(visits, TestContext.Current.CancellationToken);
            using var client = app.CreateClinicClient();
            var who = await ImportAsync(client, "patients", patients);
            var what = await ImportAsync(client, "visits", visits);

            Assert.Equal((2_000, 0), (who.GetProperty("applied").GetInt32(), who.GetProperty("rejected").GetInt32()));
            Assert.Equal((10_000, 0), (what.GetProperty("applied").GetInt32(), what.GetProperty("rejected").GetInt32()));
            var portrait = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/portrait?asOf=2026-06-30");
            var all = portrait.GetProperty("all");
            Assert.Equal(2_000, all.GetProperty("patients").GetInt32());
            Assert.All(portrait.GetProperty("segments").EnumerateArray(), s => Assert.True(s.GetProperty("patients").GetInt32() > 0, s.GetProperty("segment").GetString()));
            foreach (var part in new[] { "ages", "sexes", "cities" })
            {
                // Nobody «не указан»: the cities list names none when there is none.
                Assert.Equal(0, all.GetProperty(part).EnumerateArray().Where(a => a.GetProperty("key").GetString() == "unknown").Sum(a => a.GetProperty("patients").GetInt32()));
            }

            Assert.Equal("Москва", all.GetProperty("cities")[0].GetProperty("label").GetString());
            Assert.InRange(all.GetProperty("referral").GetProperty("ratio").GetDouble(), 1.05, 2.0); // regular patients come by recommendation more often
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, string kind, string path)
    {
        using var content = new StreamContent(File.OpenRead(path));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        using var response = await client.PostAsync($"/api/v1/audience/imports/{kind}?clinicId=msk-1", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
