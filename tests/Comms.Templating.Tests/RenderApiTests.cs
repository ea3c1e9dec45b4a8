using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Templating.Features.Compose;
using Comms.Templating.Persistence;
using Comms.Testing;
using Microsoft.AspNetCore.Hosting;

namespace Comms.Templating.Tests;

/// <summary>
/// <c>POST /api/v1/render</c>, which Audience's campaign preview asks: the published text rendered as a send renders
/// it, the opt-out line of a marketing SMS, its parts and cost; for operators only.
/// </summary>
public sealed class RenderApiTests(TemplatingApp app) : IClassFixture<TemplatingApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_marketing_sms_is_rendered_per_model_with_its_opt_out_line_parts_and_cost()
    {
        await using var priced = app.Factory.WithWebHostBuilder(b => b.UseSetting("Templating:Sms:PricePerSegment", "3.5"));
        using var client = priced.CreateClient();
        client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Operator);

        using var response = await client.PostAsJsonAsync("/api/v1/render", new
        {
            templateKey = TemplateSeed.RecallKey,
            channel = "sms",
            clinicId = "msk-1",
            purpose = "marketing",
            models = new[]
            {
                new Dictionary<string, string?> { ["patient.firstName"] = "Анна", ["clinic.name"] = "Клиника на Ленина" },
                new Dictionary<string, string?> { ["patient.firstName"] = "Константин", ["clinic.name"] = "Клиника на Ленина" },
            },
        }, Cancel);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((TemplateSeed.RecallKey, 1, JsonValueKind.Null), (body.GetProperty("templateKey").GetString(), body.GetProperty("version").GetInt32(), body.GetProperty("clinicId").ValueKind));
        Assert.Equal(3.5m, body.GetProperty("pricePerSegment").GetDecimal());
        var renders = body.GetProperty("renders").EnumerateArray().ToList();
        Assert.Equal(2, renders.Count);
        Assert.StartsWith("Анна", renders[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Константин", renders[1].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.All(renders, r =>
        {
            Assert.EndsWith(ComposeMessageConsumer.MarketingOptOutLine, r.GetProperty("text").GetString(), StringComparison.Ordinal);
            var parts = r.GetProperty("segments").GetInt32();
            Assert.InRange(parts, 1, 10);
            Assert.Equal(parts * 3.5m, r.GetProperty("cost").GetDecimal());
        });
    }

    [Fact]
    public async Task Only_an_operator_renders_and_a_key_without_a_published_text_or_a_bad_channel_is_said_so()
    {
        var request = new { templateKey = "campaign.nothing-published", channel = "sms", models = new[] { new Dictionary<string, string?>() } };
        using var nobody = await app.CreateClient(null).PostAsJsonAsync("/api/v1/render", request, Cancel);
        using var unknownKey = await app.CreateClient("test-templating-unknown-key-0001").PostAsJsonAsync("/api/v1/render", request, Cancel);
        using var operatorClient = app.CreateClient(TestKeys.Operator);
        using var missing = await operatorClient.PostAsJsonAsync("/api/v1/render", request, Cancel);
        using var badChannel = await operatorClient.PostAsJsonAsync("/api/v1/render", new { templateKey = "x", channel = "telegram", models = Array.Empty<object>() }, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, badChannel.StatusCode);
        var errors = (await badChannel.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.True(errors.TryGetProperty("models", out _));
    }
}
