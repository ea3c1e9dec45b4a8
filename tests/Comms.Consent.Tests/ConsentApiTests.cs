using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comms.Testing;
using RabbitMQ.Client;

namespace Comms.Consent.Tests;

public sealed class ConsentApiTests(ConsentApp app) : IClassFixture<ConsentApp>
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("12345-x")] // digits alone are a MAX user id (docs/max.md)
    [InlineData("")]
    public async Task A_contact_that_is_neither_a_phone_an_email_nor_a_messenger_id_is_a_400_problem(string contact)
    {
        using var client = app.CreateAdminClient();

        var response = await client.GetAsync($"/api/v1/consents?contact={Uri.EscapeDataString(contact)}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task A_contact_without_records_has_no_consent()
    {
        using var client = app.CreateAdminClient();

        var ledger = await client.GetFromJsonAsync<JsonElement>("/api/v1/consents?contact=NoBody%40Example.ru", TestContext.Current.CancellationToken);

        Assert.Equal("nobody@example.ru", ledger.GetProperty("contact").GetString());
        Assert.Empty(ledger.GetProperty("current").EnumerateArray());
        Assert.Empty(ledger.GetProperty("history").EnumerateArray());
    }

    [Theory]
    [InlineData("GET", "/api/v1/consents?contact=%2B79161234567", null)]
    [InlineData("GET", "/api/v1/consents?contact=%2B79161234567", "wrong-key-of-sufficient-length")]
    [InlineData("POST", "/api/v1/consents", null)]
    [InlineData("POST", "/api/v1/consents", "test-consent-admin-key-")]
    [InlineData("GET", "/api/v1/consents/evidence?contact=%2B79161234567", null)]
    [InlineData("POST", "/api/v1/consents/imports?clinicId=msk-1", null)]
    [InlineData("GET", "/api/v1/consents/imports/0195f5a0-0000-7000-8000-000000000001", "nope")]
    public async Task Every_endpoint_answers_401_problem_without_a_valid_api_key(string method, string path, string? key)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        if (method == "POST")
        {
            request.Content = path.Contains("imports", StringComparison.Ordinal)
                ? new StringContent("phone;channel\n", Encoding.UTF8, "text/csv")
                : new StringContent(Grant(Ledger.NewPhone()), Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posted_consent_is_recorded_with_the_key_name_as_who_recorded_it_and_announced()
    {
        var phone = Ledger.NewPhone();
        await using var probe = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var announced = await Ledger.WatchConsentChangedAsync(probe);
        using var client = app.CreateAdminClient();

        var response = await client.PostAsync("/api/v1/consents",
            new StringContent(Grant("8 (" + phone[2..5] + ") " + phone[5..8] + "-" + phone[8..10] + "-" + phone[10..], wordingVersion: "sms-2025-09"),
                Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/consents?contact={Uri.EscapeDataString(phone)}", response.Headers.Location?.OriginalString);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var record = body.GetProperty("record");
        Assert.Equal(phone, body.GetProperty("contact").GetString());
        Assert.Equal("api:test-admin", record.GetProperty("source").GetString());
        Assert.Equal("test-admin", record.GetProperty("recordedBy").GetString());
        Assert.Equal("reception-1", record.GetProperty("capturedBy").GetString());
        Assert.Equal("sms-2025-09", record.GetProperty("wordingVersion").GetString());
        Assert.Equal("Бланк № 7781", record.GetProperty("documentRef").GetString());
        Assert.True(record.GetProperty("effective").GetBoolean());
        Assert.True(body.GetProperty("current").GetProperty("granted").GetBoolean());
        Assert.False(body.GetProperty("duplicate").GetBoolean());

        var history = Assert.Single((await Ledger.GetAsync(app, phone)).GetProperty("history").EnumerateArray());
        Assert.Equal("test-admin", history.GetProperty("recordedBy").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-20T09:00:00Z"), history.GetProperty("capturedAt").GetDateTimeOffset());
        var changed = await Ledger.NextConsentChangedAsync(probe, announced, phone);
        Assert.True(changed.GetProperty("granted").GetBoolean());
        Assert.Equal(record.GetProperty("sequence").GetInt64(), changed.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Each_key_is_recorded_under_its_own_name()
    {
        var phone = Ledger.NewPhone();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "test-consent-mis-key-2");

        var response = await client.PostAsync("/api/v1/consents", new StringContent(Grant(phone), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var history = Assert.Single((await Ledger.GetAsync(app, phone)).GetProperty("history").EnumerateArray());
        Assert.Equal("mis-msk-1", history.GetProperty("recordedBy").GetString());
        Assert.Equal("api:mis-msk-1", history.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_invalid_consent_is_a_400_naming_each_bad_field_and_nothing_is_recorded()
    {
        using var client = app.CreateAdminClient();
        var body = """
            {"clinicId":"msk-1","phone":"12345","channel":"fax","purpose":"spam","granted":"yes","method":"carrier_pigeon",
             "capturedAt":"23.11.2026 10:00","wordingVersion":42}
            """;

        var response = await client.PostAsync("/api/v1/consents", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.Equal(
            ["capturedAt", "channel", "granted", "method", "phone", "purpose", "wordingVersion"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("must be one of sms, whatsapp, email, max", errors.GetProperty("channel")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("is not a valid phone number", errors.GetProperty("phone")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must be true or false", errors.GetProperty("granted")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("RFC 3339", errors.GetProperty("capturedAt")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"phone":"+79161234567","channel":"sms","purpose":"service","granted":true,"method":"admin"}""", "clinicId")]
    [InlineData("""{"clinicId":"msk-1","phone":"+79161234567","email":"a@example.ru","channel":"sms","purpose":"service","granted":true,"method":"admin"}""", "phone")]
    [InlineData("""{"clinicId":"msk-1","email":"a@example.ru","channel":"sms","purpose":"service","granted":true,"method":"admin"}""", "phone")]
    [InlineData("""{"clinicId":"msk-1","phone":"+79161234567","channel":"sms","purpose":"service","method":"admin"}""", "granted")]
    [InlineData("""[1,2]""", "$")]
    [InlineData("""{"clinicId":""", "$")]
    public async Task A_consent_missing_what_it_needs_is_a_400_naming_the_field(string body, string field)
    {
        using var client = app.CreateAdminClient();

        var response = await client.PostAsync("/api/v1/consents", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
    }

    [Fact]
    public async Task A_repeated_request_with_the_same_idempotency_key_records_once()
    {
        var phone = Ledger.NewPhone();
        using var client = app.CreateAdminClient();
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/consents") { Content = new StringContent(Grant(phone), Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request, TestContext.Current.CancellationToken);
        }

        var first = await SendAsync();
        var second = await SendAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var repeated = await second.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(repeated.GetProperty("duplicate").GetBoolean());
        var created = await first.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(created.GetProperty("record").GetProperty("sequence").GetInt64(), repeated.GetProperty("record").GetProperty("sequence").GetInt64());
        Assert.Single((await Ledger.GetAsync(app, phone)).GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task An_admin_grant_after_the_patients_opt_out_is_recorded_but_not_effective()
    {
        var phone = Ledger.NewPhone();
        using var client = app.CreateAdminClient();
        var optOut = JsonSerializer.Serialize(new
        {
            clinicId = "msk-1", phone, channel = "sms", purpose = "service", granted = false, method = "reply", capturedAt = "2026-11-21T10:00:00Z",
        });
        Assert.Equal(HttpStatusCode.Created,
            (await client.PostAsync("/api/v1/consents", new StringContent(optOut, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).StatusCode);

        var response = await client.PostAsync("/api/v1/consents",
            new StringContent(Grant(phone, method: "admin", documentRef: null, capturedAt: "2026-11-22T10:00:00Z"), Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.False(body.GetProperty("record").GetProperty("effective").GetBoolean());
        var reason = body.GetProperty("record").GetProperty("ineffectiveReason").GetString();
        Assert.Contains("the patient opted out (reply", reason, StringComparison.Ordinal);
        Assert.Contains("not admin", reason, StringComparison.Ordinal);
        Assert.Contains("must carry a document reference", reason, StringComparison.Ordinal);
        Assert.False(body.GetProperty("current").GetProperty("granted").GetBoolean());
        Assert.Equal("reply", body.GetProperty("current").GetProperty("method").GetString());
    }

    [Fact]
    public async Task The_openapi_document_describes_every_consent_endpoint()
    {
        using var client = app.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/consents", paths);
        Assert.Contains("/api/v1/consents/evidence", paths);
        Assert.Contains("/api/v1/consents/imports", paths);
        Assert.Contains("/api/v1/consents/imports/{importId}", paths);
    }

    internal static string Grant(
        string phone,
        string method = "paper_form",
        string? documentRef = "Бланк № 7781",
        string capturedAt = "2026-11-20T12:00:00+03:00",
        string? wordingVersion = null) =>
        JsonSerializer.Serialize(new
        {
            clinicId = "msk-1",
            patientId = "P-100",
            phone,
            channel = "sms",
            purpose = "service",
            granted = true,
            method,
            documentRef,
            wordingVersion,
            capturedAt,
            capturedBy = "reception-1",
        });
}
