using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Comms.ProviderSimulator.Tests;

public sealed class ReplyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reply_is_posted_to_the_callback_in_sms_income_shape()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+7 916 123-45-67", text = "1" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(body.GetProperty("delivered").GetBoolean());
        Assert.Equal(200, body.GetProperty("callbackStatus").GetInt32());
        var lines = Assert.Single(receiver.Received).Split('\n');
        Assert.Equal(["sms_income", "79161234567", "79000000000"], lines[..3]);
        Assert.InRange(long.Parse(lines[3], System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("1", lines[4]);
    }

    [Fact]
    public async Task Reply_text_with_newlines_arrives_whole_as_the_last_lines_addressed_to_the_given_number()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync(
            "/sim/replies", new { from = "89161234567", text = "Да\nспасибо", to = "+7 900 555-00-11" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var data = Assert.Single(receiver.Received);
        Assert.StartsWith("sms_income\n79161234567\n79005550011\n", data, StringComparison.Ordinal);
        Assert.EndsWith("\nДа\nспасибо", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_the_gateway_did_not_take_answers_502_problem_with_what_it_answered()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = _ => (StatusCodes.Status500InternalServerError, "boom");
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "2" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(500, problem.GetProperty("callbackStatus").GetInt32());
        Assert.Contains("boom", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_answered_2xx_without_100_is_not_taken()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        receiver.Answer = _ => (StatusCodes.Status200OK, "OK");
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "2" });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Reply_without_callback_configured_answers_503_problem_naming_the_setting()
    {
        await using var simulator = new SimulatorFactory();
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from = "+79161234567", text = "1" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("Simulator:SmsRu:CallbackUrl", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "1", "from")]
    [InlineData("12345", "1", "from")]
    [InlineData("+79161234567", null, "text")]
    [InlineData("+79161234567", "", "text")]
    public async Task Reply_with_missing_or_bad_field_answers_400_problem_naming_it(string? from, string? text, string field)
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        await using var simulator = new SimulatorFactory(receiver.Url);
        using var client = simulator.CreateSimulatorClient();

        using var response = await client.PostJsonAsync("/sim/replies", new { from, text });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(receiver.Received);
    }
}
