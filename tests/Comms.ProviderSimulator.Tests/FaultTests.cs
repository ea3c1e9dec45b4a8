using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_fault_answers_its_error_code_until_cleared()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var created = await client.PostJsonAsync("/sim/faults", new { provider = "smsru", sendStatusCode = 220 });
        var fault = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(fault.GetProperty("id").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, fault.GetProperty("to").ValueKind);

        var failed = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        var failedAgain = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        foreach (var answer in new[] { failed, failedAgain })
        {
            var sms = answer.GetProperty("sms").GetProperty("79161234567");
            Assert.Equal("ERROR", sms.GetProperty("status").GetString());
            Assert.Equal(220, sms.GetProperty("status_code").GetInt32());
            Assert.Equal("Сервис временно недоступен, попробуйте чуть позже", sms.GetProperty("status_text").GetString());
        }

        Assert.Equal(1000m, failedAgain.GetProperty("balance").GetDecimal());
        Assert.Empty(await client.MessagesAsync("+79161234567"));
        Assert.Equal(2, (await client.RequestsAsync()).Length);

        using var cleared = await client.Http.DeleteAsync("/sim/faults", Ct);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);

        var sent = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        Assert.Equal("OK", sent.GetProperty("sms").GetProperty("79161234567").GetProperty("status").GetString());
        Assert.Single(await client.MessagesAsync("+79161234567"));
    }

    [Fact]
    public async Task Fault_for_one_number_fails_only_that_number_and_only_as_many_times_as_asked()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        using var created = await client.PostJsonAsync(
            "/sim/faults", new { provider = "smsru", to = "8 916 123-45-67", sendStatusCode = 207, times = 1 });
        Assert.Equal("+79161234567", (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("to").GetString());

        var first = await client.SendAsync(("to", "79161234567,79031112233"), ("msg", "hi"));
        var second = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        Assert.Equal(207, first.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());
        Assert.Equal(100, first.GetProperty("sms").GetProperty("79031112233").GetProperty("status_code").GetInt32());
        Assert.Equal(100, second.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());
        Assert.Empty(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);
    }

    [Fact]
    public async Task Receipt_fault_fails_the_message_and_reports_its_code_to_the_callback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();
        using var created = await client.PostJsonAsync("/sim/faults", new { provider = "smsru", receiptStatusCode = 106 });

        var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        Assert.Equal("OK", answer.GetProperty("sms").GetProperty("79161234567").GetProperty("status").GetString());
        var smsId = answer.GetProperty("sms").GetProperty("79161234567").GetProperty("sms_id").GetString();
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count > 0);
        var lines = Assert.Single(received).Split('\n');
        Assert.Equal(["sms_status", smsId!, "106"], lines[..3]);
        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal("failed", message.GetProperty("status").GetString());
        Assert.Equal(106, message.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Fault_for_an_unknown_provider_is_refused_with_problem_details_naming_the_field()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/faults", new { provider = "twilio", sendStatusCode = 220 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("provider", out _));
    }

    [Theory]
    [InlineData("max", null)]
    [InlineData("smsru", 502)]
    public async Task An_accepted_fault_needs_an_http_status_and_a_messenger(string provider, int? httpStatus)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/faults", new { provider, httpStatus, accepted = true, delayMs = 10 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("accepted", out _));
    }

    [Fact]
    public async Task Created_fault_is_listed_and_can_be_removed_by_id()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        using var created = await client.PostJsonAsync("/sim/faults", new { provider = "smsru", sendStatusCode = 209, times = 3 });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt32();

        var listed = Assert.Single(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);
        using var removed = await client.Http.DeleteAsync($"/sim/faults/{id}", Ct);
        using var gone = await client.Http.GetAsync($"/sim/faults/{id}", Ct);

        Assert.Equal(209, listed.GetProperty("sendStatusCode").GetInt32());
        Assert.Equal(3, listed.GetProperty("remaining").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
