using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Audience.Tests;

/// <summary><c>GET /api/v1/audience/clinics/{clinicId}/portrait</c> as a clinic's IT calls it.</summary>
[Collection(AnalyticsSite.Collection)]
public sealed class AnalyticsPortraitApiTests(AnalyticsSite site)
{
    private static readonly string AsOf = $"{AnalyticsSite.AsOf:yyyy-MM-dd}";

    [Fact]
    public async Task The_portrait_of_the_clinic_and_of_each_segment_adds_up_and_referred_patients_are_worth_more()
    {
        using var api = site.Api(AnalyticsSite.KeyOfA);

        var portrait = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/portrait?asOf={AsOf}");

        Assert.Equal(AnalyticsSite.ClinicA, portrait.GetProperty("clinicId").GetString());
        Assert.Equal(AsOf, portrait.GetProperty("asOf").GetString());
        var all = portrait.GetProperty("all");
        Assert.Equal(AnalyticsData.PatientsOfA, all.GetProperty("patients").GetInt32());
        Assert.Equal(["under_18", "18_29", "30_44", "45_59", "60_plus", "unknown"], all.GetProperty("ages").EnumerateArray().Select(a => a.GetProperty("key").GetString()));
        foreach (var part in new[] { "ages", "sexes", "cities", "districts", "sources", "channels" })
        {
            Assert.Equal(AnalyticsData.PatientsOfA, all.GetProperty(part).EnumerateArray().Sum(a => a.GetProperty("patients").GetInt32()));
        }

        Assert.Equal(12, all.GetProperty("cities").GetArrayLength()); // ten, the rest, the unknown
        Assert.Equal("Москва", all.GetProperty("cities")[0].GetProperty("label").GetString());
        var segments = portrait.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["vip", "stable", "one_time", "unprofitable", "new", "at_risk", "lost"], segments.Select(s => s.GetProperty("segment").GetString()));
        Assert.Equal(AnalyticsData.PatientsOfA, segments.Sum(s => s.GetProperty("patients").GetInt32()));
        var referral = all.GetProperty("referral");
        Assert.InRange(referral.GetProperty("ratio").GetDouble(), 1.1, 1.8); // the made-up referred patients spend 35 % more per visit
        Assert.True(referral.GetProperty("referredAverageLtv").GetDecimal() > referral.GetProperty("othersAverageLtv").GetDecimal());
    }

    [Fact]
    public async Task Another_clinics_key_is_403_none_is_401_and_a_bad_date_is_400()
    {
        using var other = site.Api(AnalyticsSite.KeyOfB);
        using var none = new HttpClient { BaseAddress = new Uri(site.BaseUrl) };
        using var api = site.Api(TestKeys.Operator);

        using var forbidden = await other.GetAsync($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/portrait?asOf={AsOf}");
        using var unauthorized = await none.GetAsync($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/portrait?asOf={AsOf}");
        using var bad = await api.GetAsync($"/api/v1/audience/clinics/{AnalyticsSite.ClinicA}/portrait?asOf=June");
        var empty = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audience/clinics/{AnalyticsSite.EmptyClinic}/portrait?asOf={AsOf}");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("asOf", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, empty.GetProperty("all").GetProperty("patients").GetInt32());
    }

    [Fact]
    public void The_development_manager_signs_in_with_the_documented_password()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "services/Audience/appsettings.Development.json")));
        var account = settings.RootElement.GetProperty("Staff").GetProperty("Accounts").EnumerateArray().Single(a => a.GetProperty("Name").GetString() == "manager");

        Assert.True(Comms.StaffAccounts.StaffPasswords.Verify("manager-dev-password", account.GetProperty("PasswordHash").GetString()!));
        Assert.Equal(["manager"], account.GetProperty("Roles").EnumerateArray().Select(r => r.GetString()));
    }
}
