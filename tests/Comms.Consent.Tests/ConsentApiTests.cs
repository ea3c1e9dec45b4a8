using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.Consent.Tests;

public sealed class ConsentApiTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("12345")]
    [InlineData("")]
    public async Task A_contact_that_is_neither_a_phone_nor_an_email_is_a_400_problem(string contact)
    {
        using var client = app.CreateClient();

        var response = await client.GetAsync($"/api/v1/consents?contact={Uri.EscapeDataString(contact)}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task A_contact_without_records_has_no_consent()
    {
        using var client = app.CreateClient();

        var ledger = await client.GetFromJsonAsync<JsonElement>("/api/v1/consents?contact=NoBody%40Example.ru", TestContext.Current.CancellationToken);

        Assert.Equal("nobody@example.ru", ledger.GetProperty("contact").GetString());
        Assert.Empty(ledger.GetProperty("current").EnumerateArray());
        Assert.Empty(ledger.GetProperty("history").EnumerateArray());
    }
}
