using System.Net;
using System.Security.Cryptography;
using System.Text;
using Comms.Gateway.Sms.Providers;
using Comms.Gateway.Sms.Providers.Smsc;
using Microsoft.AspNetCore.Http;

namespace Comms.Gateway.Sms.Tests;

/// <summary>The SMSC.ru adapter's own rules, without a gateway: codes, callback signatures, lookups.</summary>
public sealed class SmscAdapterTests
{
    private const string Password = "smsc-secret";

    private static readonly SmsAccountOptions Account = new()
    {
        Provider = "smsc", BaseUrl = "http://provider.test/smsc", Login = "clinic", Password = Password, CallbackToken = "callback-token-1",
    };

    [Theory]
    [InlineData(3, "NotSent", "NoFunds")]
    [InlineData(2, "NotSent", "AccountProblem")]
    [InlineData(4, "NotSent", "AccountProblem")]
    [InlineData(9, "NotSent", "RateLimited")]
    [InlineData(7, "Rejected", "BadNumber")]
    [InlineData(6, "Rejected", "Other")]
    [InlineData(8, "Rejected", "Other")]
    [InlineData(1, "Rejected", "Other")]
    public void Send_error_codes_map_to_the_common_results(int code, string result, string kind)
    {
        var mapped = SmscCodes.SendError(code, "text");

        Assert.Equal(result, mapped.GetType().Name);
        Assert.Equal(kind, mapped switch
        {
            SmsSendResult.NotSent notSent => notSent.Kind.ToString(),
            SmsSendResult.Rejected rejected => rejected.Kind.ToString(),
            _ => "",
        });
        Assert.Contains($"SMSC.ru error {code}", mapped is SmsSendResult.NotSent n ? n.Reason : ((SmsSendResult.Rejected)mapped).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "sent", false, false)]
    [InlineData(1, 0, "delivered", false, false)]
    [InlineData(2, 0, "delivered", false, false)]
    [InlineData(3, 0, "expired", false, false)]
    [InlineData(20, 0, "failed-temporary", false, false)]
    [InlineData(22, 0, "failed-permanent", false, true)]
    [InlineData(23, 0, "failed-permanent", false, false)]
    [InlineData(23, 249, "failed-permanent", true, false)]
    [InlineData(24, 0, "failed-temporary", false, false)]
    [InlineData(25, 0, "failed-temporary", false, false)]
    public void Statuses_map_to_the_common_model(int status, int err, string common, bool stopListed, bool badNumber)
    {
        var receipt = SmscCodes.Receipt("abc", status, err, null)!;

        Assert.Equal(common, receipt.Status);
        Assert.Equal(stopListed, receipt.StopListed);
        Assert.Equal(badNumber, receipt.BadNumber);
    }

    [Fact]
    public void Waiting_says_nothing_new() => Assert.Null(SmscCodes.Receipt("abc", -1, 0, null));

    [Fact]
    public async Task Receipt_signed_with_the_account_password_is_read()
    {
        var read = await ReadAsync(("id", "ref1"), ("phone", "79161234567"), ("status", "23"), ("time", "1795424400"), ("err", "249"),
            ("sha1", Sha1($"ref1:79161234567:23:{Password}")));

        var receipt = Assert.IsType<SmsCallbackItem.Receipt>(Assert.Single(Assert.IsType<SmsCallbackRead.Entries>(read).Items));
        Assert.Equal("ref1", receipt.ProviderMessageId);
        Assert.Equal("failed-permanent", receipt.Status);
        Assert.True(receipt.StopListed);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795424400), receipt.OccurredAt);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Receipt_with_a_wrong_or_missing_sha1_is_unauthorized(string? sha1)
    {
        var fields = new List<(string, string)> { ("id", "ref1"), ("phone", "79161234567"), ("status", "1"), ("time", "1795424400"), ("err", "0") };
        if (sha1 is not null)
        {
            fields.Add(("sha1", sha1));
        }

        Assert.IsType<SmsCallbackRead.Unauthorized>(await ReadAsync([.. fields]));
    }

    [Fact]
    public async Task Receipt_signed_for_another_status_is_unauthorized() =>
        Assert.IsType<SmsCallbackRead.Unauthorized>(await ReadAsync(("id", "ref1"), ("phone", "79161234567"), ("status", "1"),
            ("sha1", Sha1($"ref1:79161234567:20:{Password}"))));

    [Fact]
    public async Task Patient_sms_is_read_as_inbound_with_a_key_per_sms()
    {
        var read = await ReadAsync(("phone", "79161234567"), ("mes", "Да"), ("to", "79000000001"), ("smsid", "555"), ("sent", "1795424400"),
            ("time", "1795424401"), ("sha1", Sha1($"555:79161234567:Да:{Password}")));

        var inbound = Assert.IsType<SmsCallbackItem.Inbound>(Assert.Single(Assert.IsType<SmsCallbackRead.Entries>(read).Items));
        Assert.Equal("+79161234567", inbound.From);
        Assert.Equal("Да", inbound.Text);
        Assert.Contains("555", inbound.DedupKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patient_sms_signed_over_another_text_is_unauthorized() =>
        Assert.IsType<SmsCallbackRead.Unauthorized>(await ReadAsync(("phone", "79161234567"), ("mes", "СТОП"), ("smsid", "555"),
            ("sha1", Sha1($"555:79161234567:Да:{Password}"))));

    [Fact]
    public void Login_and_password_are_required_naming_the_setting_and_its_env_var()
    {
        var problems = new SmscProviderFactory().Validate("main", new SmsAccountOptions { Provider = "smsc" }).ToList();

        Assert.Contains(problems, p => p.Contains("Sms:Accounts:main:Login", StringComparison.Ordinal) && p.Contains("Sms__Accounts__main__Login", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Sms:Accounts:main:Password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"status\":-3}", "NotFound")]
    [InlineData("{\"status\":1,\"last_date\":\"01.01.2027 10:00:00\",\"last_timestamp\":1798794000,\"err\":0}", "Found")]
    [InlineData("{\"status\":-1}", "Found")]
    [InlineData("{\"error\":\"authorise error\",\"error_code\":2}", "Unavailable")]
    [InlineData("<html>bad gateway</html>", "Unavailable")]
    public async Task Lookup_asks_status_php_by_client_id_and_phone(string answer, string expected)
    {
        var provider = new FakeProvider(HttpStatusCode.OK, answer);
        var client = new SmscClient("main", Account, provider.Client("http://provider.test/smsc"));

        var result = await client.LookUpAsync(new SmsLookupRequest("+79161234567", "text", "0123456789abcdef0123456789abcdef", DateTimeOffset.UtcNow), default);

        Assert.Equal(expected, result.GetType().Name);
        if (result is SmsLookupResult.Found found)
        {
            Assert.Equal("0123456789abcdef0123456789abcdef", found.ProviderMessageId);
        }

        var request = Assert.Single(provider.Requests);
        Assert.Equal("POST /smsc/sys/status.php", $"{request.Method} {request.Path}");
        Assert.Contains("id=0123456789abcdef0123456789abcdef", request.Body, StringComparison.Ordinal);
        Assert.Contains("phone=79161234567", request.Body, StringComparison.Ordinal);
        Assert.Contains("login=clinic", request.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, request.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookup_on_a_provider_error_is_unavailable()
    {
        var client = new SmscClient("main", Account, new FakeProvider(HttpStatusCode.BadGateway, "").Client("http://provider.test/smsc"));

        Assert.IsType<SmsLookupResult.Unavailable>(await client.LookUpAsync(new SmsLookupRequest("+79161234567", "text", "ref", DateTimeOffset.UtcNow), default));
    }

    private static async Task<SmsCallbackRead> ReadAsync(params (string Key, string Value)[] fields)
    {
        var context = new DefaultHttpContext();
        var body = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(await body.ReadAsByteArrayAsync());
        return await new SmscCallbackReader().ReadAsync(context.Request, Account, default);
    }

#pragma warning disable CA5350 // SMSC.ru's signature is SHA-1
    private static string Sha1(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
}

/// <summary>A provider that answers requests in turn (the last answer again once they run out) and keeps what it was asked.</summary>
internal sealed class FakeProvider(params (HttpStatusCode Status, string Answer)[] answers) : HttpMessageHandler
{
    public FakeProvider(HttpStatusCode status, string answer)
        : this((status, answer))
    {
    }

    public List<(string Method, string Path, string Body, string? Authorization)> Requests { get; } = [];

    public HttpClient Client(string baseAddress) => new(this) { BaseAddress = new Uri(baseAddress) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : Uri.UnescapeDataString((await request.Content.ReadAsStringAsync(cancellationToken)).Replace('+', ' '));
        Requests.Add((request.Method.Method, request.RequestUri!.PathAndQuery, body, request.Headers.Authorization?.ToString()));
        var (status, answer) = answers[Math.Min(Requests.Count, answers.Length) - 1];
        return new HttpResponseMessage(status) { Content = new StringContent(answer, Encoding.UTF8, "application/json") };
    }
}
