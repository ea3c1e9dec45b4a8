using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Comms.Audience.Tests;

/// <summary>The Audience API as a clinic's IT calls it.</summary>
internal static class AudienceApi
{
    public static async Task<JsonElement> ImportVisitsAsync(this HttpClient client, string csv, string clinicId = "msk-1")
    {
        using var response = await client.PostAsync($"/api/v1/audience/imports/visits?clinicId={clinicId}", Csv(csv));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    public static async Task<JsonElement> PatientAsync(this HttpClient client, string patientId, string asOf, string clinicId = "msk-1", string? extra = null)
    {
        using var response = await client.GetAsync($"/api/v1/audience/clinics/{clinicId}/patients/{patientId}?asOf={asOf}{extra}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> PatientsAsync(this HttpClient client, string query, string clinicId = "msk-1")
    {
        using var response = await client.GetAsync($"/api/v1/audience/clinics/{clinicId}/patients?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string[] Codes(this JsonElement findings) => [.. findings.EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];

    /// <summary>Visit rows of one patient on the given days: "patientId,date,amount,status".</summary>
    public static IEnumerable<string> Visits(string patientId, decimal amount, params DateOnly[] days) =>
        days.Select(d => $"{patientId},{d:yyyy-MM-dd},{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)},completed");

    /// <summary>Every <paramref name="everyDays"/> days from <paramref name="first"/> up to <paramref name="last"/>.</summary>
    public static DateOnly[] Every(DateOnly first, DateOnly last, int everyDays)
    {
        var days = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(everyDays))
        {
            days.Add(d);
        }

        return [.. days];
    }
}
