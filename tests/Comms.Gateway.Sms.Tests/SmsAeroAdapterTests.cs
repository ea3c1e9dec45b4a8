using System.Net;
using System.Text;
using System.Text.Json;
using Comms.Gateway.Sms.Providers;
using Comms.Gateway.Sms.Providers.SmsAero;
using Microsoft.AspNetCore.Http;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The SMS Aero adapter's own rules, without a gateway: refusals, callbacks, lookups in the message list.</summary>
public sealed class SmsAeroAdapterTests
{
    private static readonly SmsAccountOptions Account = new()
    {
        Provider = "smsaero", BaseUrl = "http://provider.test/smsaero", Email = "sms@clinic.example", ApiKey = "key-1",
        CallbackToken = "callback-token-1", PublicBaseUrl = "https://gateway.test",
    };

    [Theory]
    [InlineData(400, "Insufficient funds", "null", "NotSent", "NoFunds")]
    [InlineData(400, "Number in stop list", "null", "Rejected", "StopListed")]
    [InlineData(400, "Validation error.", "{\"number\":[\"Invalid phone number\"]}", "Rejected", "BadNumber")]
    [InlineData(400, "Validation error.", "{\"text\":[\"Text cannot be blank.\"]}", "Rejected", "Other")]
    [InlineData(400, "Validation error.", "{\"sign\":[\"Sign is not approved.\"]}", "NotSent", "AccountProblem")]
    public void Refusals_map_to_the_common_results(int status, string message, string data, string result, string kind)
    {
        var mapped = SmsAeroCodes.Refusal(status, message, JsonSerializer.Deserialize<JsonElement>(data));

        Assert.Equal(result, mapped.GetType().Name);
        Assert.Equal(kind, mapped switch
        {
            SmsSendResult.NotSent notSent => notSent.Kind.ToString(),
            SmsSendResult.Rejected rejected => rejected.Kind.ToString(),
            _ => "",
        });
    }

    [Theory]
    [InlineData(0, "accepted")]
    [InlineData(8, "accepted")]
    [InlineData(3, "sent")]
    [InlineData(4, "sent")]
    [InlineData(1, "delivered")]
    [InlineData(2, "failed-temporary")]
    [InlineData(6, "failed-permanent")]
    public async Task Receipt_statuses_map_to_the_common_model(int status, string common)
    {
        var read = await ReadAsync($$"""{"id":12345,"from":"CLINIC","number":"79161234567","text":"t","status":{{status}},"extendStatus":"x","channel":"DIRECT","cost":"3.45","dateCreate":1795424400,"dateSend":1795424401}""");

        var receipt = Assert.IsType<SmsCallbackItem.Receipt>(Assert.Single(Assert.IsType<SmsCallbackRead.Entries>(read).Items));
        Assert.Equal("12345", receipt.ProviderMessageId);
        Assert.Equal(common, receipt.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795424401), receipt.OccurredAt);
    }

    [Fact]
    public async Task Inbound_sms_is_read_with_a_key_per_sms()
    {
        var read = await ReadAsync("""{"type":"inbound","id":77,"from":"79161234567","to":"79000000002","text":"Да","dateReceive":1795424400}""");

        var inbound = Assert.IsType<SmsCallbackItem.Inbound>(Assert.Single(Assert.IsType<SmsCallbackRead.Entries>(read).Items));
        Assert.Equal("+79161234567", inbound.From);
        Assert.Equal("Да", inbound.Text);
        Assert.Contains("77", inbound.DedupKey, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("42")]
    [InlineData("{\"status\":1}")]
    public async Task Unreadable_callback_names_what_is_wrong(string body)
    {
        var entries = Assert.IsType<SmsCallbackRead.Entries>(await ReadAsync(body));

        Assert.Empty(entries.Items);
        Assert.NotEmpty(entries.Unreadable);
    }

    [Fact]
    public void Email_api_key_and_public_base_url_are_required()
    {
        var problems = new SmsAeroProviderFactory().Validate("aero", new SmsAccountOptions { Provider = "smsaero" }).ToList();

        Assert.Contains(problems, p => p.Contains("Sms:Accounts:aero:Email", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Sms:Accounts:aero:ApiKey", StringComparison.Ordinal) && p.Contains("Sms__Accounts__aero__ApiKey", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Sms:Accounts:aero:PublicBaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Lookup_finds_the_message_by_number_and_exact_text_created_since_the_attempt()
    {
        var attemptedAt = DateTimeOffset.UtcNow;
        var before = attemptedAt.AddMinutes(-10).ToUnixTimeSeconds();
        var after = attemptedAt.AddSeconds(1).ToUnixTimeSeconds();
        var provider = new FakeProvider(
            (HttpStatusCode.OK, $$"""{"success":true,"data":{"0":{"id":1,"number":"79161234567","text":"Напоминаем о приёме.","status":1,"dateCreate":{{before}}},"1":{"id":2,"number":"79161234567","text":"Напоминаем о приёме. Ещё","status":1,"dateCreate":{{after}}},"links":{"next":"/v2/sms/list?page=2"},"totalCount":"3"},"message":null}"""),
            (HttpStatusCode.OK, $$"""{"success":true,"data":{"0":{"id":3,"number":79161234567,"text":"Напоминаем о приёме.","status":8,"dateCreate":{{after}}},"links":{},"totalCount":"3"},"message":null}"""));
        var client = new SmsAeroClient("aero", Account, provider.Client("http://provider.test/smsaero"));

        var result = await client.LookUpAsync(new SmsLookupRequest("+79161234567", "Напоминаем о приёме.", "ref", attemptedAt), default);

        Assert.Equal("3", Assert.IsType<SmsLookupResult.Found>(result).ProviderMessageId);
        Assert.Equal(["POST /smsaero/v2/sms/list?page=1", "POST /smsaero/v2/sms/list?page=2"], provider.Requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sms@clinic.example:key-1")), provider.Requests[0].Authorization);
        Assert.Contains("\"number\":79161234567", provider.Requests[0].Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, """{"success":true,"data":[],"message":null}""", "NotFound")]
    [InlineData(200, """{"success":true,"data":{"links":{},"totalCount":"0"},"message":null}""", "NotFound")]
    [InlineData(401, """{"success":false,"data":null,"message":"Your credentials are incorrect"}""", "Unavailable")]
    [InlineData(200, "<html/>", "Unavailable")]
    public async Task Lookup_without_the_message_is_not_found_and_a_failed_one_unavailable(int status, string answer, string expected)
    {
        var client = new SmsAeroClient("aero", Account, new FakeProvider((HttpStatusCode)status, answer).Client("http://provider.test/smsaero"));

        var result = await client.LookUpAsync(new SmsLookupRequest("+79161234567", "text", "ref", DateTimeOffset.UtcNow), default);

        Assert.Equal(expected, result.GetType().Name);
    }

    private static async Task<SmsCallbackRead> ReadAsync(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await new SmsAeroCallbackReader().ReadAsync(context.Request, Account, default);
    }
}
