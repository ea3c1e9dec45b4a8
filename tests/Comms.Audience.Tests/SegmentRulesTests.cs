using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;
using static Comms.Audience.Tests.AudienceApi;

namespace Comms.Audience.Tests;

public sealed class SegmentRulesTests(AudienceApp app) : IClassFixture<AudienceApp>
{
    private static readonly DateOnly AsOf = new(2026, 6, 30);

    [Fact]
    public async Task A_new_revision_moves_the_lines_and_every_revision_is_kept()
    {
        using var client = app.CreateClinicClient();
        // Came every 60 days, the last 150 days ago: 2.5 × the usual interval, overdue by the default factor of 2.
        await client.ImportVisitsAsync(string.Join('\n', Visits("RULES-1", 1000, Every(AsOf.AddDays(-750), AsOf.AddDays(-150), 60)).Prepend("patientId,date,amount,status")));
        var before = await client.PatientAsync("RULES-1", $"{AsOf:yyyy-MM-dd}");
        Assert.Equal("at_risk", before.GetProperty("segment").GetString());

        using var read = await client.GetAsync("/api/v1/audience/clinics/msk-1/segment-rules");
        var defaults = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("defaults", defaults.GetProperty("source").GetString());
        Assert.Equal(2, defaults.GetProperty("rules").GetProperty("overdueIntervalFactor").GetDouble());
        using var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/audience/clinics/msk-1/segment-rules")
        {
            Content = new StringContent("""{"overdueIntervalFactor": 3}""", Encoding.UTF8, "application/json"),
        };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        using var changed = await client.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var after = await client.PatientAsync("RULES-1", $"{AsOf:yyyy-MM-dd}");
        Assert.NotEqual("at_risk", after.GetProperty("segment").GetString());
        Assert.Empty(after.GetProperty("signals").EnumerateArray());

        // The old ETag no longer holds.
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/v1/audience/clinics/msk-1/segment-rules")
        {
            Content = new StringContent("""{"overdueIntervalFactor": 4}""", Encoding.UTF8, "application/json"),
        };
        stale.Headers.IfMatch.Add(read.Headers.ETag!);
        using var refused = await client.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);

        using var reset = await client.DeleteAsync("/api/v1/audience/clinics/msk-1/segment-rules");
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var revisions = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/msk-1/segment-rules/revisions");
        Assert.Equal([2, 1], revisions.EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal(["defaults", "scope"], revisions.EnumerateArray().Select(r => r.GetProperty("source").GetString()));
        Assert.Equal("clinic:msk-1", revisions[1].GetProperty("changedBy").GetString());
        Assert.Equal("at_risk", (await client.PatientAsync("RULES-1", $"{AsOf:yyyy-MM-dd}")).GetProperty("segment").GetString());
    }

    [Theory]
    [InlineData("""{"vipLtvQuantile": 1.2}""", "vipLtvQuantile")]
    [InlineData("""{"newWithinDays": 90, "lostAfterDays": 30}""", "lostAfterDays")]
    [InlineData("""{"overdueIntervalFactor": "twice"}""", "overdueIntervalFactor")]
    [InlineData("""{"colour": "red"}""", "colour")]
    [InlineData("""{"vipLtvQuantile": """, "$")]
    public async Task Bad_rules_are_refused_naming_the_field_and_change_nothing(string json, string field)
    {
        using var client = app.CreateClient(AudienceApp.OtherClinicKey);
        using var response = await client.PutAsync("/api/v1/audience/clinics/spb-1/segment-rules", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var current = await client.GetFromJsonAsync<JsonElement>("/api/v1/audience/clinics/spb-1/segment-rules");
        Assert.Equal(0, current.GetProperty("revision").GetInt32());
    }
}
