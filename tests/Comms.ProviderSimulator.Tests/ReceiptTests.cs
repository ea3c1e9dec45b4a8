using Microsoft.AspNetCore.Http;

namespace Comms.ProviderSimulator.Tests;

public sealed class ReceiptTests
{
    [Fact]
    public async Task Receipt_is_posted_to_the_callback_in_SmsRu_data_shape()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answer = await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        var smsId = answer.GetProperty("sms").GetProperty("79161234567").GetProperty("sms_id").GetString();
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count > 0);
        var lines = Assert.Single(received).Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("sms_status", lines[0]);
        Assert.Equal(smsId, lines[1]);
        Assert.Equal("103", lines[2]);
        Assert.InRange(long.Parse(lines[3], System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("delivered", Assert.Single(await client.MessagesAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Receipt_the_callback_did_not_take_is_posted_again()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = call => call == 1 ? (StatusCodes.Status500InternalServerError, "oops") : (StatusCodes.Status200OK, "100");
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        var received = await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count >= 2);
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0], received[1]);
        Assert.StartsWith("sms_status\n", received[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_answers_before_the_receipt_is_posted()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url, ("Simulator:SmsRu:ReceiptDelayMs", "500"));
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("to", "79161234567"), ("msg", "hi"));

        Assert.Empty(receiver.Received);
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count > 0);
        Assert.Single(received);
    }

    [Fact]
    public async Task Receipts_falling_due_together_go_in_one_callback_as_sms_ru_sends_them()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url, ("Simulator:SmsRu:ReceiptBatchWindowMs", "200"));
        using var client = simulator.CreateSimulatorClient();
        string[] numbers = ["79161234567", "79161234568", "79161234569", "79161234570", "79161234571"];

        var answer = await client.SendAsync(("to", string.Join(',', numbers)), ("msg", "hi"));

        var smsIds = numbers.Select(n => answer.GetProperty("sms").GetProperty(n).GetProperty("sms_id").GetString()!).ToHashSet();
        var received = await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count >= numbers.Length);
        var callback = Assert.Single(receiver.SmsRuCallbacks);
        Assert.Equal(numbers.Length, callback.Count);
        Assert.Equal(smsIds, callback.Select(entry => entry.Split('\n')[1]).ToHashSet());
        Assert.All(callback, entry => Assert.StartsWith("sms_status\n", entry, StringComparison.Ordinal));
        Assert.Equal(numbers.Length, received.Count);
    }

    [Fact]
    public async Task Without_a_window_each_receipt_has_a_callback_of_its_own()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url, ("Simulator:SmsRu:ReceiptBatchWindowMs", "0"));
        using var client = simulator.CreateSimulatorClient();

        await client.SendAsync(("to", "79161234567,79161234568,79161234569"), ("msg", "hi"));

        await Eventually.Until(() => Task.FromResult(receiver.Received), r => r.Count >= 3);
        Assert.Equal(3, receiver.SmsRuCallbacks.Count);
        Assert.All(receiver.SmsRuCallbacks, callback => Assert.Single(callback));
    }
}
