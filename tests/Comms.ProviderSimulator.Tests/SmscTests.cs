using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Comms.ProviderSimulator.Tests;

public sealed class SmscTests
{
    private const string CallbackPath = "/smsc/callback";
    private const string ClientId = "0f8fad5bd9cb469fa16570867728950e";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SimulatorFactory Simulator(CallbackReceiver? receiver = null, params (string Key, string? Value)[] settings) =>
        new(settings: [("Simulator:Smsc:CallbackUrl", receiver?.UrlFor(CallbackPath) ?? ""), .. settings]);

    [Fact]
    public async Task Send_with_client_id_is_billed_delivered_and_reported_with_a_valid_sha1()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = Simulator(receiver);
        using var client = simulator.CreateSimulatorClient();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answer = await client.SmscAsync(
            "send.php",
            ("phones", "+7 916 123-45-67"), ("mes", "Reminder: dentist tomorrow 10:30"), ("sender", "Clinic"),
            ("id", ClientId), ("cost", "3"), ("charset", "utf-8"));

        Assert.Equal(ClientId, answer.GetProperty("id").GetString());
        Assert.Equal(1, answer.GetProperty("cnt").GetInt32());
        Assert.Equal("3", answer.GetProperty("cost").GetString());
        Assert.Equal("997", answer.GetProperty("balance").GetString());

        var receipt = Assert.Single(await receiver.CallbacksToAsync(CallbackPath)).Form;
        Assert.Equal(ClientId, receipt["id"]);
        Assert.Equal("79161234567", receipt["phone"]);
        Assert.Equal("1", receipt["status"]);
        Assert.Equal("0", receipt["err"]);
        Assert.InRange(long.Parse(receipt["time"], CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(Sha1($"{ClientId}:79161234567:1:{SimulatorFactory.SmscPassword}"), receipt["sha1"]);

        var message = Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Equal("smsc", message.GetProperty("provider").GetString());
        Assert.Equal(ClientId, message.GetProperty("id").GetString());
        Assert.Equal("Clinic", message.GetProperty("sender").GetString());
        Assert.Equal("delivered", message.GetProperty("status").GetString());
        Assert.Equal(3m, message.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task Send_without_client_id_answers_a_generated_numeric_id_and_no_cost_unless_asked()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"));

        Assert.Equal(JsonValueKind.Number, answer.GetProperty("id").ValueKind);
        Assert.False(answer.TryGetProperty("cost", out _));
        Assert.False(answer.TryGetProperty("balance", out _));
        var message = Assert.Single(await client.MessagesAsync());
        Assert.Equal(answer.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture), message.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Send_by_get_query_string_is_accepted_like_a_form()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.Http.GetFromJsonAsync<JsonElement>(
            $"/smsc/sys/send.php?login={SimulatorFactory.SmscLogin}&psw={SimulatorFactory.SmscPassword}&phones=79161234567&mes=hi&fmt=3", Ct);

        Assert.Equal(1, answer.GetProperty("cnt").GetInt32());
        Assert.Single(await client.MessagesAsync("+79161234567"));
    }

    [Theory]
    [InlineData("clinic", "wrong")]
    [InlineData("someone", "smsc-secret")]
    [InlineData("clinic", "")]
    public async Task Send_with_bad_credentials_answers_error_2_and_sends_nothing(string login, string psw)
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SmscAsync("send.php", ("login", login), ("psw", psw), ("phones", "79161234567"), ("mes", "hi"));

        Assert.Equal(2, answer.GetProperty("error_code").GetInt32());
        Assert.Equal("authorise error", answer.GetProperty("error").GetString());
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Send_to_a_bad_number_answers_error_7_with_the_id()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SmscAsync("send.php", ("phones", "12345"), ("mes", "hi"), ("id", ClientId));

        Assert.Equal(7, answer.GetProperty("error_code").GetInt32());
        Assert.Equal("invalid number", answer.GetProperty("error").GetString());
        Assert.Equal(ClientId, answer.GetProperty("id").GetString());
        Assert.Empty(await client.MessagesAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Send_without_text_answers_error_1(string? mes)
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = mes is null
            ? await client.SmscAsync("send.php", ("phones", "79161234567"))
            : await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", mes));

        Assert.Equal(1, answer.GetProperty("error_code").GetInt32());
        Assert.False(answer.TryGetProperty("id", out _));
        Assert.Empty(await client.MessagesAsync());
    }

    [Fact]
    public async Task Send_with_a_client_id_outside_smsc_alphabet_answers_error_1()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var answer = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", "not valid!"));

        Assert.Equal(1, answer.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task Send_beyond_the_balance_answers_error_3_and_keeps_the_balance()
    {
        await using var simulator = Simulator(settings: ("Simulator:Smsc:Balance", "5"));
        using var client = simulator.CreateSimulatorClient();

        var first = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("cost", "3"));
        var second = await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", ClientId));

        Assert.Equal("2", first.GetProperty("balance").GetString());
        Assert.Equal(3, second.GetProperty("error_code").GetInt32());
        Assert.Equal("no money", second.GetProperty("error").GetString());
        Assert.Equal(ClientId, second.GetProperty("id").GetString());
        Assert.Single(await client.MessagesAsync());
    }

    [Fact]
    public async Task Same_client_id_to_the_same_phone_is_refused_with_error_9_and_not_sent_again()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", ClientId));
        var again = await client.SmscAsync("send.php", ("phones", "8 916 123 45 67"), ("mes", "hi"), ("id", ClientId));
        var otherPhone = await client.SmscAsync("send.php", ("phones", "79031112233"), ("mes", "hi"), ("id", ClientId));

        Assert.Equal(9, again.GetProperty("error_code").GetInt32());
        Assert.Equal("duplicate request, wait a minute", again.GetProperty("error").GetString());
        Assert.Equal(ClientId, otherPhone.GetProperty("id").GetString());
        Assert.Single(await client.MessagesAsync("+79161234567"));
        Assert.Single(await client.MessagesAsync("+79031112233"));
    }

    [Fact]
    public async Task Status_of_a_sent_message_is_found_by_phone_and_client_id()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", ClientId));
        await Eventually.Until(() => client.MessagesAsync(), m => m.All(x => x.GetProperty("status").GetString() == "delivered"));

        var status = await client.SmscAsync("status.php", ("phone", "+79161234567"), ("id", ClientId));

        Assert.Equal(1, status.GetProperty("status").GetInt32());
        Assert.Equal(0, status.GetProperty("err").GetInt32());
        Assert.InRange(status.GetProperty("last_timestamp").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Matches(@"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$", status.GetProperty("last_date").GetString());
    }

    [Fact]
    public async Task Status_of_a_message_never_sent_is_minus_3()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", ClientId));

        var otherId = await client.SmscAsync("status.php", ("phone", "79161234567"), ("id", "ffffffffffffffffffffffffffffffff"));
        var otherPhone = await client.SmscAsync("status.php", ("phone", "79031112233"), ("id", ClientId));

        Assert.Equal(-3, otherId.GetProperty("status").GetInt32());
        Assert.Equal(-3, otherPhone.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Status_with_bad_credentials_answers_error_2()
    {
        await using var simulator = Simulator();
        using var client = simulator.CreateSimulatorClient();

        var status = await client.SmscAsync("status.php", ("psw", "wrong"), ("phone", "79161234567"), ("id", ClientId));

        Assert.Equal(2, status.GetProperty("error_code").GetInt32());
    }

    [Fact]
    public async Task Receipt_the_handler_did_not_answer_200_is_posted_again()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = call => call == 1 ? (StatusCodes.Status503ServiceUnavailable, "busy") : (StatusCodes.Status200OK, "OK");
        await using var simulator = Simulator(receiver);
        using var client = simulator.CreateSimulatorClient();

        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "hi"), ("id", ClientId));

        var calls = await receiver.CallbacksToAsync(CallbackPath, 2);
        Assert.Equal(2, calls.Count);
        Assert.Equal(calls[0].Body, calls[1].Body);
    }

    [Fact]
    public async Task Reply_to_a_number_smsc_sent_to_arrives_at_the_smsc_handler_signed()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = Simulator(receiver);
        using var client = simulator.CreateSimulatorClient();
        await client.SmscAsync("send.php", ("phones", "79161234567"), ("mes", "Confirm? 1 yes, 2 no"), ("id", ClientId));
        await receiver.CallbacksToAsync(CallbackPath);

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "Да, 1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("smsc", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("provider").GetString());
        var reply = (await receiver.CallbacksToAsync(CallbackPath, 2))[1].Form;
        Assert.Equal("79161234567", reply["phone"]);
        Assert.Equal("Да, 1", reply["mes"]);
        Assert.Equal("79000000001", reply["to"]);
        Assert.Equal(reply["sent"], reply["time"]);
        Assert.Equal(Sha1($"{reply["smsid"]}:79161234567:Да, 1:{SimulatorFactory.SmscPassword}"), reply["sha1"]);
    }

    private static string Sha1(string text) =>
#pragma warning disable CA5350 // SMSC.ru's signature is SHA-1.
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5350
}
