using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

public sealed class BalanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_account_starts_with_its_configured_balance()
    {
        await using var simulator = new SimulatorFactory(settings: [("Simulator:SmsRu:Balance", "10000000"), ("Simulator:SmsAero:Balance", "250.5")]);
        using var client = simulator.CreateSimulatorClient();

        var balances = await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/balances", Ct);

        Assert.Equal(
            [("smsru", 10_000_000m), ("smsc", 1000m), ("smsaero", 250.5m)],
            balances!.Select(b => (b.GetProperty("provider").GetString(), b.GetProperty("balance").GetDecimal())));
    }

    [Fact]
    public async Task An_emptied_account_refuses_sends_for_want_of_money_until_it_is_topped_up()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using (var emptied = await client.Http.PutAsJsonAsync("/sim/balances/smsru", new { balance = 0 }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, emptied.StatusCode);
            Assert.Equal(0m, (await emptied.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("balance").GetDecimal());
        }

        var refused = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        Assert.Equal(201, refused.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());

        using (var toppedUp = await client.PostJsonAsync("/sim/balances/smsru/top-up", new { amount = 100 }))
        {
            Assert.Equal(HttpStatusCode.OK, toppedUp.StatusCode);
            var body = await toppedUp.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(("smsru", 100m), (body.GetProperty("provider").GetString(), body.GetProperty("balance").GetDecimal()));
        }

        var accepted = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        Assert.Equal(100, accepted.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());
        Assert.Equal(98.5m, accepted.GetProperty("balance").GetDecimal());
        Assert.Single(await client.MessagesAsync());
    }

    [Fact]
    public async Task A_top_up_adds_to_what_is_left_and_a_reset_restores_the_starting_balance()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"));
        using (var toppedUp = await client.PostJsonAsync("/sim/balances/SMSC/top-up", new { amount = 50000.25 }))
        {
            Assert.Equal(50997.25m, (await toppedUp.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("balance").GetDecimal());
        }

        using (await client.Http.DeleteAsync("/sim/messages", Ct))
        {
        }

        var smsc = await client.Http.GetFromJsonAsync<JsonElement>("/sim/balances/smsc", Ct);
        Assert.Equal(1000m, smsc.GetProperty("balance").GetDecimal());
    }

    [Theory]
    [InlineData("/sim/balances/smsru/top-up", "POST", """{"amount":0}""", "amount")]
    [InlineData("/sim/balances/smsru/top-up", "POST", """{}""", "amount")]
    [InlineData("/sim/balances/smsaero", "PUT", """{"balance":-1}""", "balance")]
    public async Task A_wrong_amount_is_refused_naming_the_field(string url, string method, string json, string field)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        using var response = await client.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var balances = await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/balances", Ct);
        Assert.All(balances!, b => Assert.Equal(1000m, b.GetProperty("balance").GetDecimal()));
    }

    [Theory]
    [InlineData("whatsapp")]
    [InlineData("nosuch")]
    public async Task Only_sms_providers_have_a_balance(string provider)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync($"/sim/balances/{provider}/top-up", new { amount = 10 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("smsru, smsc, smsaero", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
