using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

/// <summary>The control endpoints see every provider at once.</summary>
public sealed class CrossProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Messages_and_requests_of_every_provider_are_listed_and_one_delete_resets_them_all()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await client.SendAsync(("to", "79161234567"), ("msg", "via SMS.ru"));
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "via SMSC"), ("sender", "Clinic"));
        await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "via Aero", sign = "CLINIC" });
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", ""));
        await client.PostJsonAsync("/sim/faults", new { provider = "smsaero", httpStatus = 503 });

        var messages = await client.MessagesAsync("+79161234567");
        var requests = await client.RequestsAsync();

        Assert.Equal(["smsru", "smsc", "smsaero"], messages.Select(m => m.GetProperty("provider").GetString()));
        Assert.Equal([null, "Clinic", "CLINIC"], messages.Select(m => m.GetProperty("sender").GetString()));
        Assert.All(messages, m => Assert.Equal(1, m.GetProperty("segments").GetInt32()));
        Assert.Equal([1.5m, 3m, 3.45m], messages.Select(m => m.GetProperty("cost").GetDecimal()));
        Assert.Equal(["smsru", "smsc", "smsaero", "smsc"], requests.Select(r => r.GetProperty("provider").GetString()));
        Assert.Equal(1, requests[3].GetProperty("statusCode").GetInt32());

        using var cleared = await client.Http.DeleteAsync("/sim/messages", Ct);

        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty(await client.MessagesAsync());
        Assert.Empty(await client.RequestsAsync());
        Assert.Empty(await client.Http.GetFromJsonAsync<JsonElement[]>("/sim/faults", Ct) ?? []);
        var (_, balance) = await client.AeroAsync(HttpMethod.Get, "balance");
        Assert.Equal(1000m, balance.GetProperty("data").GetProperty("balance").GetDecimal());
        var smsc = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("cost", "3"));
        Assert.Equal("997", smsc.GetProperty("balance").GetString());
        Assert.Equal(998.5m, (await client.SendAsync(("to", "79161234567"), ("msg", "hi"))).GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Reply_goes_to_the_provider_that_last_sent_to_the_number_unless_one_is_named()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(
            receiver.Url,
            ("Simulator:Smsc:CallbackUrl", receiver.UrlFor("/smsc/callback")),
            ("Simulator:Smsc:ReceiptDelayMs", "60000"));
        using var client = simulator.CreateSimulatorClient();
        await client.SendAsync(("to", "79031112233"), ("msg", "someone else"));
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"));

        using var byDefault = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "1" });
        using var named = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "2", provider = "smsru" });
        using var stranger = await client.PostJsonAsync("/sim/replies", new { from = "+79995554433", text = "3" });

        Assert.Equal("smsc", (await byDefault.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("provider").GetString());
        Assert.Equal("1", Assert.Single(receiver.Callbacks).Form["mes"]);
        Assert.Equal("smsru", (await named.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("provider").GetString());
        Assert.Equal("smsru", (await stranger.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("provider").GetString());
        Assert.Equal(2, receiver.Received.Count(data => data.StartsWith("sms_income\n", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reply_through_a_provider_without_callback_answers_503_naming_its_setting()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "1", provider = "smsaero" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("Simulator:SmsAero:CallbackUrl", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_naming_an_unknown_provider_answers_400_naming_the_field()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "1", provider = "twilio" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("provider", out _));
    }

    [Fact]
    public async Task Phone_page_labels_each_message_with_its_provider()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var html = await client.Http.GetStringAsync("/sim/phone/79161234567", Ct);

        Assert.Contains("SMSC.ru", html, StringComparison.Ordinal);
        Assert.Contains("SMS Aero", html, StringComparison.Ordinal);
        Assert.Contains("m.provider", html, StringComparison.Ordinal);
    }
}
