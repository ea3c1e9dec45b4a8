using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

public sealed class SmsAeroTests
{
    private const string ReceiptPath = "/smsaero/receipt?token=abc";
    private const string InboundPath = "/smsaero/inbound";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_is_billed_delivered_and_its_receipt_posted_as_json_to_the_message_callback_url()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var (status, answer) = await client.AeroAsync(HttpMethod.Post, "sms/send", new
        {
            number = "79161234567",
            text = "Reminder: dentist tomorrow 10:30",
            sign = "CLINIC",
            callbackUrl = receiver.UrlFor(ReceiptPath),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("message").ValueKind);
        var sms = answer.GetProperty("data");
        var id = sms.GetProperty("id").GetInt64();
        Assert.Equal("79161234567", sms.GetProperty("number").GetString());
        Assert.Equal("CLINIC", sms.GetProperty("from").GetString());
        Assert.Equal(0, sms.GetProperty("status").GetInt32());
        Assert.Equal("queue", sms.GetProperty("extendStatus").GetString());
        Assert.Equal("3.45", sms.GetProperty("cost").GetString());

        var receipt = JsonDocument.Parse(Assert.Single(await receiver.CallbacksToAsync(ReceiptPath)).Body).RootElement;
        Assert.Equal(id, receipt.GetProperty("id").GetInt64());
        Assert.Equal("79161234567", receipt.GetProperty("number").GetString());
        Assert.Equal(1, receipt.GetProperty("status").GetInt32());
        Assert.Equal("delivery", receipt.GetProperty("extendStatus").GetString());

        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal("smsaero", message.GetProperty("provider").GetString());
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        var (_, balance) = await client.AeroAsync(HttpMethod.Get, "balance");
        Assert.Equal(996.55m, balance.GetProperty("data").GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Send_with_a_numeric_number_in_the_query_string_is_accepted()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var (status, answer) = await client.AeroAsync(HttpMethod.Get, "sms/send?number=79161234567&text=hi&sign=CLINIC");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Single(await client.MessagesAsync("+79161234567"));
    }

    [Fact]
    public async Task Wrong_credentials_answer_401_and_send_nothing()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var (status, answer) = await client.AeroAsync(
            HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi" }, (SimulatorFactory.AeroEmail, "wrong"));
        using var anonymous = await client.Http.PostAsJsonAsync("/smsaero/v2/sms/send", new { number = "79161234567", text = "hi" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal("Your credentials are incorrect", answer.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(await client.MessagesAsync());
    }

    [Theory]
    [InlineData("12345", "hi", "number")]
    [InlineData("79161234567", "", "text")]
    [InlineData("79161234567", "   ", "text")]
    public async Task Invalid_send_answers_400_validation_error_naming_the_field(string number, string text, string field)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var (status, answer) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number, text, sign = "CLINIC" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal("Validation error.", answer.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Array, answer.GetProperty("data").GetProperty(field).ValueKind);
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Send_beyond_the_balance_answers_400_insufficient_funds()
    {
        await using var simulator = new SimulatorFactory(settings: ("Simulator:SmsAero:Balance", "3"));
        using var client = simulator.CreateSimulatorClient();

        var (status, answer) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Insufficient funds", answer.GetProperty("message").GetString());
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Status_is_found_by_id_and_an_unknown_id_answers_404()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        var (_, sent) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "hi" });
        var id = sent.GetProperty("data").GetProperty("id").GetInt64();
        await Eventually.Until(() => client.MessagesAsync(), m => m.All(x => x.GetProperty("status").GetString() == "delivered"));

        var (foundStatus, found) = await client.AeroAsync(HttpMethod.Get, $"sms/status?id={id}");
        var (postedStatus, posted) = await client.AeroAsync(HttpMethod.Post, "sms/status", new { id });
        var (missingStatus, missing) = await client.AeroAsync(HttpMethod.Get, $"sms/status?id={id + 1000}");

        Assert.Equal(HttpStatusCode.OK, foundStatus);
        Assert.Equal(id, found.GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal(1, found.GetProperty("data").GetProperty("status").GetInt32());
        Assert.True(found.GetProperty("data").TryGetProperty("dateAnswer", out _));
        Assert.Equal(HttpStatusCode.OK, postedStatus);
        Assert.Equal(id, posted.GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.False(missing.GetProperty("success").GetBoolean());
        Assert.Equal("Not found", missing.GetProperty("message").GetString());
    }

    [Fact]
    public async Task List_finds_messages_by_number_and_text_in_sms_aero_numbered_object_shape()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "Reminder A" });
        var (_, wanted) = await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "Reminder B" });
        await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79031112233", text = "Reminder B" });

        var (status, answer) = await client.AeroAsync(
            HttpMethod.Get, $"sms/list?number=79161234567&text={Uri.EscapeDataString("Reminder B")}&page=1");

        Assert.Equal(HttpStatusCode.OK, status);
        var data = answer.GetProperty("data");
        Assert.Equal("1", data.GetProperty("totalCount").GetString());
        Assert.Equal(wanted.GetProperty("data").GetProperty("id").GetInt64(), data.GetProperty("0").GetProperty("id").GetInt64());
        Assert.False(data.TryGetProperty("1", out _));
        Assert.Equal("/v2/sms/list?page=1", data.GetProperty("links").GetProperty("first").GetString());

        var (_, everything) = await client.AeroAsync(HttpMethod.Post, "sms/list", new { number = "79161234567" });
        Assert.Equal("2", everything.GetProperty("data").GetProperty("totalCount").GetString());
    }

    [Fact]
    public async Task Reply_to_a_number_sms_aero_sent_to_arrives_as_inbound_json_at_the_cabinet_callback()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(settings: ("Simulator:SmsAero:CallbackUrl", receiver.UrlFor(InboundPath)));
        using var client = simulator.CreateSimulatorClient();
        await client.AeroAsync(HttpMethod.Post, "sms/send", new { number = "79161234567", text = "Confirm? 1 yes" });
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "8 916 123-45-67", text = "1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var inbound = JsonDocument.Parse(Assert.Single(await receiver.CallbacksToAsync(InboundPath)).Body).RootElement;
        Assert.Equal("inbound", inbound.GetProperty("type").GetString());
        Assert.Equal("79161234567", inbound.GetProperty("from").GetString());
        Assert.Equal("79000000002", inbound.GetProperty("to").GetString());
        Assert.Equal("1", inbound.GetProperty("text").GetString());
        Assert.True(inbound.GetProperty("id").GetInt64() > 0);
        Assert.InRange(inbound.GetProperty("dateReceive").GetInt64(), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }
}
