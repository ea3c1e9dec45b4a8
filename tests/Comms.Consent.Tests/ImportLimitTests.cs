using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Consent.Tests;

/// <summary>A consent service that takes files of at most 4 KiB.</summary>
public sealed class SmallImportsApp() : ServiceApp<Program>("cnsl")
{
    protected override ValueTask ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Consent:ApiKeys:0:Name"] = ConsentApp.AdminKeyName;
        settings["Consent:ApiKeys:0:Key"] = ConsentApp.AdminKey;
        settings["Consent:Imports:MaxFileBytes"] = "4096";
        return ValueTask.CompletedTask;
    }
}

public sealed class ImportLimitTests(SmallImportsApp app) : IClassFixture<SmallImportsApp>
{
    [Fact]
    public async Task A_file_over_the_limit_is_a_413_naming_the_limit_and_nothing_is_recorded()
    {
        var csv = new StringBuilder("patient_id;phone;channel;purpose;granted;method;captured_at\n");
        var phones = new List<string>();
        while (csv.Length < 8192)
        {
            var phone = Ledger.NewPhone();
            phones.Add(phone);
            csv.Append("P-1;").Append(phone).Append(";sms;service;true;paper_form;2026-01-01T00:00:00Z\n");
        }

        using var client = app.CreateClient(ConsentApp.AdminKey);
        using var response = await client.PostAsync("/api/v1/consents/imports?clinicId=msk-1",
            new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var consents = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents?contact={Uri.EscapeDataString(phones[0])}", TestContext.Current.CancellationToken);
        Assert.Equal(0, consents.GetProperty("history").GetArrayLength());
    }
}
