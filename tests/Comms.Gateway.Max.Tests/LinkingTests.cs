using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comms.Testing;

namespace Comms.Gateway.Max.Tests;

public sealed class LinkingTests(GatewayMaxApp app) : IClassFixture<GatewayMaxApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_personal_link_names_the_bot_and_carries_a_short_url_safe_token()
    {
        var link = await app.IssueLinkAsync(GatewayMaxApp.NewPatientId());

        Assert.StartsWith($"https://max.ru/{GatewayMaxApp.BotName}?start=", link, StringComparison.Ordinal);
        var token = GatewayMaxApp.TokenOf(link);
        Assert.InRange(token.Length, 1, 64);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
    }

    [Fact]
    public async Task Opening_the_link_stores_the_account_publishes_messenger_linked_and_answers_in_the_chat()
    {
        await using var broker = await RabbitQueueProbe.ConnectAsync(app.VirtualHost);
        var linked = await broker.BindQueueAsync("Comms.Contracts.Delivery:MessengerLinked", "", "fanout");
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var link = await app.IssueLinkAsync(patientId);

        using (var started = await app.StartAsync(userId, GatewayMaxApp.TokenOf(link)))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }

        var message = await broker.WaitForMessageAsync(linked, m => m.GetProperty("patientId").GetString() == patientId, Patience, "MessengerLinked");
        Assert.Equal("max", message.GetProperty("channel").GetString());
        Assert.Equal(GatewayMaxApp.ClinicId, message.GetProperty("clinicId").GetString());
        Assert.Equal(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), message.GetProperty("messengerId").GetString());
        Assert.Contains("bot_started", message.GetProperty("evidence").GetString(), StringComparison.Ordinal);

        using var client = app.CreateClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(message.GetProperty("linkId").GetGuid(), view.GetProperty("linkId").GetGuid());
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.StartsWith("Готово", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_token_links_nothing_and_gets_a_polite_answer()
    {
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        (await app.StartAsync(userId, forged)).Dispose();

        await AssertNotLinkedAsync(patientId);
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.Contains("не подходит", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_link_links_nothing_and_says_so()
    {
        var userId = GatewayMaxApp.NewUserId();
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Persistence.MaxDbContext>();
            await db.LinkRequests.Where(r => r.PatientId == patientId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        (await app.StartAsync(userId, token)).Dispose();

        await AssertNotLinkedAsync(patientId);
        var answer = Assert.Single(await app.SimulatorMessagesAsync(userId));
        Assert.Contains("устарела", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_opened_by_a_second_user_is_refused()
    {
        var patientId = GatewayMaxApp.NewPatientId();
        var token = GatewayMaxApp.TokenOf(await app.IssueLinkAsync(patientId));
        var first = GatewayMaxApp.NewUserId();
        var second = GatewayMaxApp.NewUserId();

        (await app.StartAsync(first, token)).Dispose();
        (await app.StartAsync(second, token)).Dispose();

        using var client = app.CreateClient();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.EndsWith(first.ToString(System.Globalization.CultureInfo.InvariantCulture)[^4..], view.GetProperty("userId").GetString(), StringComparison.Ordinal);
        Assert.Contains("не подходит", Assert.Single(await app.SimulatorMessagesAsync(second)).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_can_forget_a_link()
    {
        var (_, patientId) = await app.LinkedPatientAsync();
        using var client = app.CreateClient();

        using var deleted = await client.DeleteAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertNotLinkedAsync(patientId);
    }

    private async Task AssertNotLinkedAsync(string patientId)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/api/v1/max/links/{GatewayMaxApp.ClinicId}/{patientId}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
