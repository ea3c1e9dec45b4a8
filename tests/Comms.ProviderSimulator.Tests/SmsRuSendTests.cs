using System.Text.Json;

namespace Comms.ProviderSimulator.Tests;

public sealed class SmsRuSendTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("8 (916) 123-45-67")]
    [InlineData("+7 916 123 45 67")]
    [InlineData("9161234567")]
    [InlineData("79161234567")]
    public async Task Send_stores_message_in_recipient_inbox(string to)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("to", to), ("msg", "Reminder: dentist tomorrow 10:30"), ("from", "Clinic"));

        Assert.Equal("OK", answer.GetProperty("status").GetString());
        Assert.Equal(100, answer.GetProperty("status_code").GetInt32());
        var sms = answer.GetProperty("sms").GetProperty("79161234567");
        Assert.Equal("OK", sms.GetProperty("status").GetString());
        Assert.Equal(100, sms.GetProperty("status_code").GetInt32());
        var smsId = sms.GetProperty("sms_id").GetString();
        Assert.Matches(@"^\d{6}-\d+$", smsId);
        Assert.Equal(998.5m, answer.GetProperty("balance").GetDecimal());

        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal(smsId, message.GetProperty("id").GetString());
        Assert.Equal("+79161234567", message.GetProperty("to").GetString());
        Assert.Equal("Reminder: dentist tomorrow 10:30", message.GetProperty("text").GetString());
        Assert.Equal("smsru", message.GetProperty("provider").GetString());
        Assert.Equal("Clinic", message.GetProperty("sender").GetString());
        Assert.Equal(1, message.GetProperty("segments").GetInt32());
        Assert.Equal(1.5m, message.GetProperty("cost").GetDecimal());
        Assert.EndsWith("Z", message.GetProperty("receivedAt").GetString(), StringComparison.Ordinal);
        Assert.InRange(message.GetProperty("receivedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Inbox_is_found_by_any_format_of_the_number_and_holds_only_that_number()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await client.SendAsync(("to", "79161234567"), ("msg", "first"));
        await client.SendAsync(("to", "79031112233"), ("msg", "someone else"));
        await client.SendAsync(("to", "79161234567"), ("msg", "second"));

        var inbox = await client.MessagesAsync("8 916 123-45-67");

        Assert.Equal(["first", "second"], inbox.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(3, (await client.MessagesAsync()).Length);
    }

    [Fact]
    public async Task Message_without_sender_has_null_sender()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal(JsonValueKind.Null, message.GetProperty("sender").ValueKind);
    }

    [Fact]
    public async Task Send_with_wrong_api_id_answers_status_code_200_error_and_sends_nothing()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("api_id", "not-the-key"), ("to", "79161234567"), ("msg", "hi"));

        Assert.Equal("ERROR", answer.GetProperty("status").GetString());
        Assert.Equal(200, answer.GetProperty("status_code").GetInt32());
        Assert.Equal("Неправильный api_id", answer.GetProperty("status_text").GetString());
        Assert.False(answer.TryGetProperty("sms", out _));
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Send_without_api_id_answers_200_even_when_any_api_id_is_accepted()
    {
        await using var simulator = new SimulatorFactory(settings: ("Simulator:SmsRu:ApiId", ""));
        using var client = simulator.CreateSimulatorClient();

        var anyKey = await client.SendAsync(("api_id", "whatever"), ("to", "79161234567"), ("msg", "hi"));
        var noKey = await client.SendAsync(("api_id", ""), ("to", "79161234567"), ("msg", "hi"));

        Assert.Equal(100, anyKey.GetProperty("status_code").GetInt32());
        Assert.Equal(200, noKey.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Send_to_bad_number_answers_202_for_that_number_and_sends_to_the_others()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("to", "79161234567,12345"), ("msg", "hi"));

        Assert.Equal("OK", answer.GetProperty("status").GetString());
        var bad = answer.GetProperty("sms").GetProperty("12345");
        Assert.Equal("ERROR", bad.GetProperty("status").GetString());
        Assert.Equal(202, bad.GetProperty("status_code").GetInt32());
        Assert.Equal(
            "Неправильно указан номер телефона получателя, либо на него нет маршрута",
            bad.GetProperty("status_text").GetString());
        Assert.False(bad.TryGetProperty("sms_id", out _));
        Assert.Equal("OK", answer.GetProperty("sms").GetProperty("79161234567").GetProperty("status").GetString());
        Assert.Equal("+79161234567", Assert.Single(await client.MessagesAsync()).GetProperty("to").GetString());
        Assert.Equal(998.5m, answer.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Send_without_to_answers_202_for_the_request()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("msg", "hi"));

        Assert.Equal("ERROR", answer.GetProperty("status").GetString());
        Assert.Equal(202, answer.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Send_without_msg_answers_203_for_the_request()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("to", "79161234567"));

        Assert.Equal("ERROR", answer.GetProperty("status").GetString());
        Assert.Equal(203, answer.GetProperty("status_code").GetInt32());
        Assert.Equal("Нет текста сообщения", answer.GetProperty("status_text").GetString());
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Send_to_more_than_100_numbers_answers_213()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        var numbers = string.Join(',', Enumerable.Range(0, 101).Select(i => $"7916{i:0000000}"));

        var answer = await client.SendAsync(("to", numbers), ("msg", "hi"));

        Assert.Equal(213, answer.GetProperty("status_code").GetInt32());
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Multi_send_delivers_each_text_to_its_number()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(
            ("multi[79161234567]", "Anna, see you at 10:30"),
            ("multi[8 903 111-22-33]", "Pavel, see you at 12:00"));

        Assert.Equal("OK", answer.GetProperty("sms").GetProperty("79161234567").GetProperty("status").GetString());
        Assert.Equal("OK", answer.GetProperty("sms").GetProperty("79031112233").GetProperty("status").GetString());
        Assert.Equal("Anna, see you at 10:30", Assert.Single(await client.MessagesAsync("+79161234567")).GetProperty("text").GetString());
        Assert.Equal("Pavel, see you at 12:00", Assert.Single(await client.MessagesAsync("+79031112233")).GetProperty("text").GetString());
        Assert.Equal(997m, answer.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Send_without_json_answers_in_plain_text_lines()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_id"] = SimulatorFactory.ApiId,
            ["to"] = "79161234567,123",
            ["msg"] = "hi",
        });

        using var response = await client.Http.PostAsync("/smsru/sms/send", form, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        var id = Assert.Single(await client.MessagesAsync()).GetProperty("id").GetString();
        Assert.Equal($"100\n{id}\n202\nbalance=998.5", body);
    }

    [Fact]
    public async Task Send_with_wrong_api_id_without_json_answers_the_code_alone()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var body = await client.Http.GetStringAsync("/smsru/sms/send?api_id=wrong&to=79161234567&msg=hi", Ct);

        Assert.Equal("200", body);
    }

    [Fact]
    public async Task Send_by_get_query_string_is_accepted_like_a_form()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.Http.GetStringAsync(
            $"/smsru/sms/send?api_id={SimulatorFactory.ApiId}&to=%2B79161234567&msg=hello&json=1", Ct);

        Assert.Equal(100, JsonDocument.Parse(answer).RootElement.GetProperty("status_code").GetInt32());
        Assert.Equal("hello", Assert.Single(await client.MessagesAsync("+79161234567")).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Test_mode_send_is_accepted_and_marked_test_but_neither_billed_nor_delivered()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"), ("test", "1"));
        await client.SendAsync(("to", "79031112233"), ("msg", "real one"));

        Assert.Equal(1000m, answer.GetProperty("balance").GetDecimal());
        await Eventually.Until(
            () => client.MessagesAsync("+79031112233"),
            inbox => inbox.Single().GetProperty("status").GetString() == "delivered");
        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.True(message.GetProperty("test").GetBoolean());
        Assert.Equal("accepted", message.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData('a', 160, 1)]
    [InlineData('a', 161, 2)]
    [InlineData('ж', 70, 1)]
    [InlineData('ж', 71, 2)]
    public async Task Send_bills_each_segment(char letter, int length, int segments)
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SendAsync(("to", "79161234567"), ("msg", new string(letter, length)));

        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal(segments, message.GetProperty("segments").GetInt32());
        Assert.Equal(segments * 1.5m, message.GetProperty("cost").GetDecimal());
        Assert.Equal(1000m - (segments * 1.5m), answer.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Send_beyond_the_balance_answers_201_for_that_number()
    {
        await using var simulator = new SimulatorFactory(settings: ("Simulator:SmsRu:Balance", "2"));
        using var client = simulator.CreateSimulatorClient();

        var first = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        var second = await client.SendAsync(("to", "79161234567"), ("msg", "hi again"));

        Assert.Equal(0.5m, first.GetProperty("balance").GetDecimal());
        Assert.Equal(201, second.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());
        Assert.Single(await client.MessagesAsync());
    }

    [Fact]
    public async Task Message_is_accepted_then_delivered_after_the_receipt_delay()
    {
        await using var simulator = new SimulatorFactory(settings: ("Simulator:SmsRu:ReceiptDelayMs", "300"));
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        Assert.Equal("accepted", Assert.Single(await client.MessagesAsync()).GetProperty("status").GetString());
        var inbox = await Eventually.Until(
            () => client.MessagesAsync(), messages => messages.Single().GetProperty("status").GetString() == "delivered");
        Assert.Equal("delivered", inbox.Single().GetProperty("status").GetString());
        Assert.Equal(103, inbox.Single().GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Every_send_request_is_listed_refused_ones_included()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("api_id", "wrong"), ("to", "79161234567"), ("msg", "hi"));
        await client.SendAsync(("to", "79161234567,12"), ("msg", "hi"));

        var requests = await client.RequestsAsync();
        Assert.Equal([200, 100], requests.Select(r => r.GetProperty("statusCode").GetInt32()));
        Assert.Equal("79161234567,12", requests[1].GetProperty("fields").GetProperty("to").GetString());
        Assert.Equal(
            [100, 202],
            requests[1].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("statusCode").GetInt32()));
        Assert.Equal(1, requests[1].GetProperty("results")[0].GetProperty("sms").GetInt32());
    }

    [Fact]
    public async Task Deleting_messages_empties_inbox_requests_and_faults_and_restores_the_balance()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();
        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        using var fault = await client.PostJsonAsync("/sim/faults", new { provider = "smsru", sendStatusCode = 220 });

        using var deleted = await client.Http.DeleteAsync("/sim/messages", Ct);

        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await client.MessagesAsync());
        Assert.Empty(await client.RequestsAsync());
        var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));
        Assert.Equal(100, answer.GetProperty("sms").GetProperty("79161234567").GetProperty("status_code").GetInt32());
        Assert.Equal(998.5m, answer.GetProperty("balance").GetDecimal());
    }

    [Fact]
    public async Task Inbox_lookup_of_a_non_number_answers_400_problem_details()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.Http.GetAsync("/sim/messages?to=12", Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Liveness_answers_200()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.Http.GetAsync("/health/live", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
