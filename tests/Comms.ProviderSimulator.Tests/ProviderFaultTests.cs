using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

/// <summary>Faults of every provider: a share of sends, HTTP errors, late answers, missing receipts, neutral outcomes.</summary>
public sealed class ProviderFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task CreateFaultAsync(SimulatorClient client, object fault)
    {
        using var created = await client.PostJsonAsync("/sim/faults", fault);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task Error_rate_fails_about_that_share_of_sends_and_stays_until_cleared()
    {
        await using var simulator = new SimulatorFactory(settings: [("Simulator:FaultSeed", "42"), ("Simulator:SmsRu:Balance", "10000")]);
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsru", errorRate = 0.5, sendStatusCode = 220 });

        var failed = 0;
        for (var i = 0; i < 200; i++)
        {
            var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
            if (answer.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32() == 220)
            {
                failed++;
            }
        }

        Assert.InRange(failed, 70, 130);
        Assert.Equal(200 - failed, (await client.MessagesAsync()).Length);
        Assert.Single(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);
    }

    [Fact]
    public async Task Error_rate_with_times_counts_only_the_sends_it_hit()
    {
        await using var simulator = new SimulatorFactory(settings: ("Simulator:FaultSeed", "7"));
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", errorRate = 0.3, times = 2, outcome = "noFunds" });

        var errors = 0;
        for (var i = 0; i < 60; i++)
        {
            var answer = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", $"hi {i}"));
            errors += answer.TryGetProperty("error_code", out _) ? 1 : 0;
        }

        Assert.Equal(2, errors);
        Assert.Empty(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);
    }

    [Theory]
    [InlineData("smsru", 503)]
    [InlineData("smsc", 502)]
    [InlineData("smsaero", 429)]
    public async Task Http_status_fault_answers_that_status_and_sends_nothing(string provider, int httpStatus)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider, httpStatus, times = 1 });

        using var response = await SendRawAsync(client, provider, "79161234567", "hi");

        Assert.Equal((HttpStatusCode)httpStatus, response.StatusCode);
        Assert.Empty(await client.MessagesAsync());
        var request = Assert.Single(await client.RequestsAsync());
        Assert.Equal(provider, request.GetProperty("provider").GetString());
        Assert.Equal(httpStatus, request.GetProperty("httpStatus").GetInt32());
    }

    [Fact]
    public async Task Delay_fault_accepts_the_message_so_a_client_that_timed_out_finds_it_by_client_id()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", delayMs = 3000, times = 1 });
        using var impatient = simulator.CreateClient();
        impatient.Timeout = TimeSpan.FromMilliseconds(300);
        const string clientId = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["login"] = SimulatorFactory.SmscLogin,
            ["psw"] = SimulatorFactory.SmscPassword,
            ["phones"] = "79161234567",
            ["mes"] = "hi",
            ["id"] = clientId,
            ["fmt"] = "3",
        });
        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.PostAsync("/smsc/sys/send.php", form, Ct));

        var status = await client.SmscAsync("status.php", ("phone", "79161234567"), ("id", clientId));
        Assert.NotEqual(-3, status.GetProperty("status").GetInt32());
        Assert.Single(await client.MessagesAsync("+79161234567"));
    }

    [Fact]
    public async Task Delay_fault_answers_late_but_answers_ok()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsaero", delayMs = 400 });
        var started = DateTimeOffset.UtcNow;

        var (status, answer) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(350));
    }

    [Fact]
    public async Task Receipt_none_fault_never_reports_the_message_and_leaves_it_accepted()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(settings: ("Simulator:Smsc:CallbackUrl", receiver.UrlFor("/smsc/callback")));
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", to = "+79161234567", receipt = "none" });

        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", "silent"));
        await client.SmscAsync("send.php", ("phones", "79031112233"), ("mes", "hi"), ("id", "reported"));
        var calls = await receiver.CallbacksToAsync("/smsc/callback");
        await Task.Delay(300, Ct);

        Assert.Equal("reported", Assert.Single(receiver.Callbacks).Form["id"]);
        Assert.Single(calls);
        Assert.Equal("accepted", Assert.Single(await client.MessagesAsync("+79161234567")).GetProperty("status").GetString());
        var status = await client.SmscAsync("status.php", ("phone", "79161234567"), ("id", "silent"));
        Assert.Equal(-1, status.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("expired", 104, "failed")]
    [InlineData("undeliverable", 107, "failed")]
    [InlineData("delivered", 103, "delivered")]
    public async Task Neutral_receipt_is_reported_with_the_sms_ru_code(string receipt, int code, string status)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsru", receipt });

        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        var data = Assert.Single(await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count > 0));
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), data.Split('\n')[2]);
        Assert.Equal(status, Assert.Single(await client.MessagesAsync()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("noFunds", 201)]
    [InlineData("stopListed", 215)]
    [InlineData("badNumber", 202)]
    [InlineData("unavailable", 220)]
    [InlineData("rateLimited", 230)]
    public async Task Outcome_is_answered_as_sms_ru_code(string outcome, int code)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsru", outcome });

        var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        var sms = answer.GetProperty("sms").GetProperty("79161234567");
        Assert.Equal("ERROR", sms.GetProperty("status").GetString());
        Assert.Equal(code, sms.GetProperty("status_code").GetInt32());
        Assert.Empty(await client.MessagesAsync());
    }

    [Theory]
    [InlineData("noFunds", 3)]
    [InlineData("badNumber", 7)]
    [InlineData("rateLimited", 9)]
    public async Task Outcome_is_answered_as_smsc_error_code(string outcome, int errorCode)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", outcome });

        var answer = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"));

        Assert.Equal(errorCode, answer.GetProperty("error_code").GetInt32());
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Unavailable_outcome_at_smsc_answers_503_and_sends_nothing()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", outcome = "unavailable" });

        using var response = await SendRawAsync(client, "smsc", "79161234567", "hi");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Stop_listed_outcome_at_smsc_is_accepted_then_reported_as_status_23_err_249()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(settings: ("Simulator:Smsc:CallbackUrl", receiver.UrlFor("/smsc/callback")));
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsc", outcome = "stopListed" });

        var answer = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", "optout"));

        Assert.Equal("optout", answer.GetProperty("id").GetString());
        var receipt = Assert.Single(await receiver.CallbacksToAsync("/smsc/callback")).Form;
        Assert.Equal("23", receipt["status"]);
        Assert.Equal("249", receipt["err"]);
        var status = await client.SmscAsync("status.php", ("phone", "79161234567"), ("id", "optout"));
        Assert.Equal(23, status.GetProperty("status").GetInt32());
        Assert.Equal(249, status.GetProperty("err").GetInt32());
        Assert.Equal("failed", Assert.Single(await client.MessagesAsync()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("noFunds", HttpStatusCode.BadRequest, "Insufficient funds")]
    [InlineData("stopListed", HttpStatusCode.BadRequest, "Number in stop list")]
    [InlineData("badNumber", HttpStatusCode.BadRequest, "Validation error.")]
    [InlineData("unavailable", HttpStatusCode.ServiceUnavailable, "Service Unavailable")]
    [InlineData("rateLimited", HttpStatusCode.TooManyRequests, "Too Many Requests")]
    public async Task Outcome_is_answered_as_sms_aero_answers_it(string outcome, HttpStatusCode httpStatus, string message)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsaero", outcome });

        var (status, answer) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi" });

        Assert.Equal(httpStatus, status);
        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal(message, answer.GetProperty("message").GetString());
        Assert.Empty(await client.MessagesAsync());
    }

    [Theory]
    [InlineData("expired", 2, "failed")]
    [InlineData("delivered", 1, "delivered")]
    public async Task Neutral_receipt_is_reported_with_the_sms_aero_status(string receipt, int code, string status)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await CreateFaultAsync(client, new { provider = "smsaero", receipt });

        await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi", callbackUrl = receiver.UrlFor("/smsaero/r") });

        var body = JsonDocument.Parse(Assert.Single(await receiver.CallbacksToAsync("/smsaero/r")).Body).RootElement;
        Assert.Equal(code, body.GetProperty("status").GetInt32());
        Assert.Equal(status, Assert.Single(await client.MessagesAsync()).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("smsaero", "sendStatusCode", 400)]
    [InlineData("smsc", "sendStatusCode", 207)]
    [InlineData("smsc", "receiptStatusCode", 103)]
    [InlineData("smsru", "httpStatus", 404)]
    [InlineData("smsru", "delayMs", 0)]
    public async Task Fault_with_a_field_the_provider_cannot_play_is_refused_naming_it(string provider, string field, int value)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/faults", new Dictionary<string, object> { ["provider"] = provider, [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("errorRate", 1.5)]
    [InlineData("errorRate", 0.0)]
    [InlineData("outcome", "lost")]
    [InlineData("receipt", "maybe")]
    public async Task Fault_with_an_out_of_range_neutral_field_is_refused_naming_it(string field, object value)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync(
            "/sim/faults", new Dictionary<string, object> { ["provider"] = "smsc", ["delayMs"] = 10, [field] = value });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    private static async Task<HttpResponseMessage> SendRawAsync(SimulatorClient client, string provider, string number, string text)
    {
        switch (provider)
        {
            case "smsru":
                return await client.Http.PostAsync("/smsru/sms/send", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_id"] = SimulatorFactory.ApiId, ["to"] = number, ["msg"] = text, ["json"] = "1",
                }), Ct);
            case "smsc":
                return await client.Http.PostAsync("/smsc/sys/send.php", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["login"] = SimulatorFactory.SmscLogin, ["psw"] = SimulatorFactory.SmscPassword, ["phones"] = number, ["mes"] = text, ["fmt"] = "3",
                }), Ct);
            default:
                using (var request = new HttpRequestMessage(HttpMethod.Post, "/smsaero/v2/sms/send"))
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                        "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SimulatorFactory.AeroEmail}:{SimulatorFactory.AeroApiKey}")));
                    request.Content = JsonContent.Create(new { number, text });
                    return await client.Http.SendAsync(request, Ct);
                }
        }
    }
}
